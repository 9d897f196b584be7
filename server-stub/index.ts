/**
 * The Outpost reference sync server ("stub"): for developing and testing Outpost apps.
 * @module
 */
export { startStub } from './server.js';
export type { StubOptions, RunningStub } from './server.js';
