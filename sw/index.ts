/**
 * Outpost service-worker building blocks, imported by an app's own service worker entry.
 * @module
 */
export { handleLifecycle } from './lifecycle.js';
