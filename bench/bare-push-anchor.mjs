// The bare-http anchor of the push benchmarks (stub-push, stub-backends): one definition, so every
// figure that stands beside it is measured against the same server.
import { spawn } from 'node:child_process';

// The bare server: read body, JSON.parse, answer { results, lastMutationId } like a push would.
const RAW_SERVER = `
import { createServer } from 'node:http';
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const text = JSON.stringify({ results: body.mutations.map((m) => ({ id: m.id, status: 'applied', rev: 1 })), lastMutationId: body.mutations.at(-1).id });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

/**
 * Runs an anchor server's module `source` in a child process (it prints "listening on <url>" once up);
 * resolves with its URL, pid and a stop function.
 */
export async function spawnAnchorServer(source) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      const m = /listening on (\S+)/.exec(d);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`anchor server exited ${code}`)));
  });
  return { url, pid: child.pid, stop: () => child.kill('SIGKILL') };
}

/** Starts the bare push server in a child process; resolves with its URL and a stop function. */
export function startBarePushServer() {
  return spawnAnchorServer(RAW_SERVER);
}
