/**
 * The Outpost reference sync server ("stub"): for developing and testing Outpost apps.
 * @module
 */
export { startStub, DEFAULT_TOMBSTONE_RETENTION_MS } from './server.js';
export type { StubOptions, RunningStub } from './server.js';
export { defineStubApp, MutationRejected } from './app.js';
export type { StubApp, MutationContext, MutationHandler, SeedContext, SeedFunction } from './app.js';
export type { UserDocuments, StoredDocument } from './documents.js';
export { DEFAULT_USERS } from './auth.js';
export type { StubUser } from './auth.js';
export { runConformance, CONFORMANCE_CHECKS } from './conformance/run.js';
export type { ConformanceOptions, ConformanceReport, CheckResult } from './conformance/run.js';
