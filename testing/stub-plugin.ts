import type { TestRunnerPlugin } from '@web/test-runner';
import { startStub, type RunningStub, type StubOptions } from '../server-stub/index.js';

/** Options for {@link outpostStubPlugin}. */
export type OutpostStubPluginOptions = Omit<StubOptions, 'port' | 'host'>;

/**
 * A `@web/test-runner` plugin that starts the Outpost stub on a free 127.0.0.1 port for the run
 * and answers the `outpost-stub-url` server command with its base URL.
 *
 * @example
 * // web-test-runner.config.mjs
 * import { outpostStubPlugin } from 'outpost/testing';
 * export default { plugins: [outpostStubPlugin()] };
 */
export function outpostStubPlugin(options: OutpostStubPluginOptions = {}): TestRunnerPlugin {
  let stub: RunningStub | undefined;
  return {
    name: 'outpost-stub',
    async serverStart() {
      stub = await startStub({ ...options, port: 0, host: '127.0.0.1' });
    },
    async serverStop() {
      await stub?.close();
    },
    executeCommand({ command }) {
      if (command !== 'outpost-stub-url') return undefined;
      if (!stub) throw new Error('outpost-stub-url: the stub is not running yet; the plugin starts it at serverStart.');
      return stub.url;
    },
  };
}
