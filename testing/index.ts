/**
 * Outpost testing kit: run an app's tests in real browsers against a real stub server.
 * Browser-side helpers (stubUrl, killStub, goOffline, …) are in `outpost/testing/commands`.
 * @module
 */
export { outpostStubPlugin, STUB_COMMANDS } from './stub-plugin.js';
export type { OutpostStubPluginOptions } from './stub-plugin.js';
export { StubProcess } from './stub-process.js';
export type { StubProcessOptions } from './stub-process.js';
export { FaultProxy } from './fault-proxy.js';
export type { ProxyCounts, ProxyFault, ProxyRule } from './fault-proxy.js';
export { storageCommandsPlugin } from './storage-commands.js';
export { tolerateScreenOrientation } from './firefox-esr.js';
