/**
 * Outpost testing kit: run an app's tests in real browsers against a real stub server.
 * @module
 */
export { outpostStubPlugin } from './stub-plugin.js';
export type { OutpostStubPluginOptions } from './stub-plugin.js';
