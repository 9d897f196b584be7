// Shared helpers for the stub's Node tests: a started stub in a temp dir and a tiny typed client.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { startStub, CONFORMANCE_CHECKS, type StubOptions, type RunningStub } from '../../server-stub/index.js';
import { freshDatabase } from './postgres.js';
import { openStorage } from '../../server-stub/storage/index.js';
import type { Storage } from '../../server-stub/storage/types.js';

export function tempDir(prefix = 'outpost-stub-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The storages every storage-facing test runs against. */
export const BACKENDS = ['sqlite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

/** The conformance check that needs a server retaining tombstones only briefly (run alone). */
export const EXPIRY_CHECK = CONFORMANCE_CHECKS.find((name) => name.includes('410 cursor-expired'))!;

/** Defines the test once per backend, named `<name> [<backend>]`. */
export function eachBackend(name: string, fn: (t: TestContext, backend: Backend) => Promise<void>): void {
  for (const backend of BACKENDS) test(`${name} [${backend}]`, (t) => fn(t, backend));
}

/**
 * Starts a stub on a free port with its own data dir (SQLite) or its own fresh database
 * (PostgreSQL); closes it, and drops the database, when the test ends.
 */
export async function stubFor(t: TestContext, options: StubOptions = {}, backend: Backend = 'sqlite'): Promise<RunningStub & { dataDir: string; db?: string }> {
  const dataDir = options.dataDir ?? tempDir();
  if (backend === 'sqlite') {
    const stub = await startStub({ port: 0, dataDir, ...options });
    t.after(() => stub.close());
    return { ...stub, dataDir };
  }
  const database = await freshDatabase();
  let stub: RunningStub;
  try {
    stub = await startStub({ port: 0, dataDir, db: database.url, ...options });
  } catch (err) {
    await database.drop();
    throw err;
  }
  t.after(async () => {
    await stub.close();
    await database.drop();
  });
  return { ...stub, dataDir, db: database.url };
}

/** A storage of `backend` opened directly (no server): a temp data dir or a fresh database, closed and dropped when the test ends. */
export async function storageFor(t: TestContext, backend: Backend): Promise<Storage> {
  let db: string | undefined;
  if (backend === 'postgres') {
    const database = await freshDatabase();
    t.after(() => database.drop());
    db = database.url;
  }
  const storage = await openStorage({ db, dataDir: tempDir() });
  t.after(() => storage.close());
  return storage;
}

export interface Reply<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  body: T;
  headers: Headers;
}

/** POSTs JSON (or raw text with `raw`) and parses the JSON reply. */
export async function post(url: string, body: unknown, init: { token?: string; raw?: boolean; contentType?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'Content-Type': init.contentType ?? 'application/json' };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  const res = await fetch(url, { method: 'POST', headers, body: init.raw ? (body as string) : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export async function login(url: string, user = 'alice', password = user): Promise<string> {
  const r = await post(`${url}/auth/v1/login`, { user, password });
  if (r.status !== 200) throw new Error(`login failed: ${JSON.stringify(r.body)}`);
  return r.body.token as string;
}

/** A client of one user: push and pull with its own clientId and increasing mutation ids. */
export function client(url: string, token: string, clientId = `c-${Math.random().toString(36).slice(2)}`) {
  let nextId = 1;
  return {
    clientId,
    /** Pushes mutations given without ids; assigns the next ids. */
    push(...mutations: Array<Record<string, unknown>>) {
      const withIds = mutations.map((m) => ({ id: nextId++, ...m }));
      return post(`${url}/sync/v1/push`, { protocol: 1, clientId, mutations: withIds }, { token });
    },
    pushRaw(mutations: Array<Record<string, unknown>>) {
      return post(`${url}/sync/v1/push`, { protocol: 1, clientId, mutations }, { token });
    },
    pull(cursor: string | null = null, limit?: number) {
      return post(`${url}/sync/v1/pull`, { protocol: 1, clientId, cursor, ...(limit ? { limit } : {}) }, { token });
    },
    /** Pulls every page from `cursor`; returns all changes and the final cursor. */
    async pullAll(cursor: string | null = null, limit?: number) {
      const changes: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
      for (;;) {
        const r = await this.pull(cursor, limit);
        if (r.status !== 200) throw new Error(`pull failed: ${r.status} ${JSON.stringify(r.body)}`);
        changes.push(...r.body.changes);
        cursor = r.body.cursor;
        if (!r.body.hasMore) return { changes, cursor: cursor!, lastMutationIds: r.body.lastMutationIds };
      }
    },
  };
}

/** Commit frames in the live part of `<dir>/outpost.sqlite-wal` (frames carrying the header's salts). */
export function commitsInWal(dir: string): number {
  const path = join(dir, 'outpost.sqlite-wal');
  if (!existsSync(path)) return 0;
  const wal = readFileSync(path);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    // Frames left from before the log was restarted carry older salts: the live log ends there.
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}
