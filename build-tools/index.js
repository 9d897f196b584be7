/**
 * Outpost's build tooling for apps: the page bundle, the web manifest and the precaching service
 * worker, as an API (this module) and a CLI (`outpost build`, see cli.js).
 * @module
 */
export { buildApp, appBuildOptions, ENTRY_PLACEHOLDER, BASE_PLACEHOLDER } from './app.js';
export { buildServiceWorker, MAX_PRECACHE_FILE_BYTES, HASHED_OUTPUT } from './service-worker.js';
export { writeWebManifest, pngSize } from './manifest.js';
export { loadConfig, CONFIG_FILES } from './config.js';

/** @typedef {import('./app.js').AppBuildOptions} AppBuildOptions */
/** @typedef {import('./manifest.js').WebManifest} WebManifest */
