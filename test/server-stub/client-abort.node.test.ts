// A client that hangs up mid-request is routine, not a server failure: one line without a stack,
// while real failures are still reported with their error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { stubFor, login, client } from './helpers.js';
import type { StubApp } from '../../server-stub/index.js';

const APP: StubApp = {
  mutations: {
    explode: () => {
      throw new Error('boom from the handler');
    },
  },
};

/** Resolves once `socket` has received `text`. */
async function received(socket: Socket, text: string): Promise<void> {
  let seen = '';
  for await (const chunk of socket as AsyncIterable<Buffer>) {
    seen += chunk.toString('latin1');
    if (seen.includes(text)) return;
  }
  throw new Error(`the connection ended before '${text}' arrived (got ${JSON.stringify(seen)})`);
}

test('a push whose client hangs up mid-body is logged as one line without an error; real failures still carry theirs', async (t) => {
  const logged: Array<{ message: string; err: unknown }> = [];
  let onLog!: () => void;
  const firstLog = new Promise<void>((resolve) => (onLog = resolve));
  const stub = await stubFor(t, { app: APP, logError: (message, err) => (logged.push({ message, err }), onLog()) });
  const token = await login(stub.url);
  const { port } = new URL(stub.url);
  const socket = connect(Number(port), '127.0.0.1');
  await once(socket, 'connect');
  // Expect: 100-continue makes the server answer "100 Continue" as it hands the request to the
  // handler, so the hang-up below happens while the body is being read, not before the request exists.
  socket.write(
    `POST /sync/v1/push HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
      'Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n',
  );
  await received(socket, '100 Continue');
  socket.write('{"protocol":1,"clientId":"hang-up","mutations":[');
  socket.destroy();
  await firstLog;
  assert.equal(logged.length, 1, JSON.stringify(logged.map((l) => l.message)));
  assert.match(logged[0]!.message, /POST \/sync\/v1\/push\): the client closed the connection before its request was read; nothing was applied/);
  assert.equal(logged[0]!.err, undefined, 'no error object, so no stack trace in the log');

  // The server carries on, and a real failure is still logged with its error.
  const c = client(stub.url, token);
  const r = await c.push({ name: 'explode', args: {} });
  assert.equal(r.body.results[0].status, 'rejected');
  assert.equal(logged.length, 2);
  assert.match(logged[1]!.message, /mutation handler 'explode' failed/);
  assert.match((logged[1]!.err as Error).message, /boom from the handler/);
});
