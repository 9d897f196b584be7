// A stub process started ahead of time (StubProcess `spare`): it loads the server's modules, then
// waits for one line on stdin — the CLI arguments as JSON — and runs the CLI with them. Node's start
// and the module loading (seconds under tsx on a loaded machine) happen before the test asks for a
// restart, so the restart costs the database open and listen only. Arguments: the CLI's URL, then
// modules to load first (missing ones are skipped: this only saves time).
//
// The parent keeps stdin open for the life of the stub: its end means the test runner is gone
// (SIGKILLed, crashed), and a stub outliving it would hold its port and data directory.
const [cli, ...preload] = process.argv.slice(2);
for (const module of preload) await import(module).catch(() => undefined);
const line = await new Promise<string | undefined>((resolve) => {
  let buffered = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    buffered += chunk;
    const nl = buffered.indexOf('\n');
    if (nl >= 0) resolve(buffered.slice(0, nl));
  });
  process.stdin.once('end', () => {
    resolve(undefined);
    process.exit(0);
  });
});
if (line === undefined) process.exit(0);
process.argv = [process.argv[0]!, new URL(cli!).pathname, ...(JSON.parse(line) as string[])];
await import(cli!);
