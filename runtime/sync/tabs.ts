// What the engine loads after start for the other tabs of its store, in one chunk: the leader's
// status shared with them (shared-status.ts) and who leads (election.ts).
export { shareStatus } from './shared-status.js';
export { elect } from './election.js';
