/**
 * Sync protocol v1: wire types, valibot schemas and constants shared by the runtime, the service
 * worker and the server stub. The spec is docs/protocol.md.
 * @module
 */
export * from './version.js';
export * from './types.js';
export * from './schemas.js';
