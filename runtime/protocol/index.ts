/**
 * Sync protocol v1: wire types, valibot schemas and constants shared by the runtime, the service
 * worker and the server stub (the spec is docs/protocol.md), and the message names pages and the
 * service worker exchange.
 * @module
 */
export * from './version.js';
export * from './types.js';
export * from './schemas.js';
export * from './values.js';
export * from './fields.js';
export * from './sw-messages.js';
