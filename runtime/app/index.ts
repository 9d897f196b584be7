/**
 * App bootstrap: `createApp()` wires store, router, sync and service worker in one lifecycle.
 * @module
 */
export { createApp } from './create-app.js';
export type { App, AppOptions, AppStep, Provided } from './create-app.js';
