// A stub process started ahead of time (StubProcess `spare`): it loads the server's modules, then
// waits for one line on stdin — the CLI arguments as JSON — and runs the CLI with them. Node's start
// and the module loading (seconds under tsx on a loaded machine) happen before the test asks for a
// restart, so the restart costs the database open and listen only. Arguments: the CLI's URL, then
// modules to load first (missing ones are skipped: this only saves time).
import { createInterface } from 'node:readline';

const [cli, ...preload] = process.argv.slice(2);
for (const module of preload) await import(module).catch(() => undefined);
const line = await new Promise<string | undefined>((resolve) => {
  const input = createInterface({ input: process.stdin });
  input.once('line', (l) => (resolve(l), input.close()));
  // The test runner went away before it needed this process.
  input.once('close', () => resolve(undefined));
});
if (line === undefined) process.exit(0);
process.argv = [process.argv[0]!, new URL(cli!).pathname, ...(JSON.parse(line) as string[])];
await import(cli!);
