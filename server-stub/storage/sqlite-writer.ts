// The writer thread's entry (a worker thread, see sqlite-writer-thread.ts): its own connection to the
// database file runs batches of plain pushes as one transaction, a savepoint per push, and commits.
// It does not flush: the storage on the main thread fdatasyncs the log after the commit is reported,
// as it does for its own commits, and only then answers anyone.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { SessionCache } from './session-cache.js';
import { Refused, applyPlain, plainStatements, type BatchReply, type PlainPush, type WriterData, type WriterReply, type WriterRequest, type WriterResult } from './sqlite-plain.js';

const port = parentPort!;
const { file, autocheckpointPages, fault } = workerData as WriterData;
const db = new Database(file);
// The main connection or another process may hold the write lock for a moment.
db.pragma('busy_timeout = 5000');
// WAL is a property of the file; NORMAL: the commit is written to the log and flushed by the main thread.
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma(`wal_autocheckpoint = ${autocheckpointPages}`);
const s = plainStatements(db);
// This connection's own: its `data_version` changes when any other connection commits (the main
// thread's session writes, another process), which empties it, so a revocation applies at once.
const sessions = new SessionCache(() => s.dataVersion.get()!);

function message(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}

function run(pushes: PlainPush[]): BatchReply {
  const results: WriterResult[] = [];
  // A failure that rolled the whole transaction back (disk full, I/O): what was applied so far is lost.
  const loseApplied = (why: string) => {
    for (let i = 0; i < results.length; i++) {
      const result = results[i]!;
      if ('outcome' in result && result.outcome === 'applied') results[i] = { error: why };
    }
  };
  try {
    s.begin.run();
  } catch (err) {
    return { batch: 0, committed: false, results: pushes.map(() => ({ error: `begin: ${message(err)}` })) };
  }
  for (let i = 0; i < pushes.length; i++) {
    try {
      s.savepoint.run();
      try {
        applyPlain(s, sessions, pushes[i]!, true);
      } catch (err) {
        if (db.inTransaction) {
          s.rollbackTo.run();
          s.release.run();
        }
        throw err;
      }
      s.release.run();
      results.push({ outcome: 'applied' });
    } catch (err) {
      if (err instanceof Refused) {
        results.push({ outcome: err.outcome });
        continue;
      }
      results.push({ error: message(err) });
      if (!db.inTransaction) {
        loseApplied(`the transaction was rolled back by a later push's failure: ${message(err)}`);
        try {
          s.begin.run();
        } catch (again) {
          while (results.length < pushes.length) results.push({ error: `begin: ${message(again)}` });
          return { batch: 0, committed: false, results };
        }
      }
    }
  }
  if (fault === 'exit-before-commit') process.exit(1);
  try {
    s.commit.run();
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    loseApplied(`commit: ${message(err)}`);
    return { batch: 0, committed: false, results };
  }
  if (fault === 'exit-after-commit') process.exit(1);
  return { batch: 0, committed: true, results };
}

port.on('message', (request: WriterRequest) => {
  if (request === 'close') {
    db.close();
    port.close();
    return;
  }
  if ('autocheckpointPages' in request) {
    db.pragma(`wal_autocheckpoint = ${request.autocheckpointPages}`);
    return;
  }
  const reply = run(request.pushes);
  reply.batch = request.batch;
  port.postMessage(reply);
});
port.postMessage('ready' satisfies WriterReply);
