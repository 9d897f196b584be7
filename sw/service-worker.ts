/// <reference lib="webworker" />
// The demo app's service worker entry. Bundled on its own to dist/demo-app/sw.js.
import { handleLifecycle } from './lifecycle.js';

declare const self: ServiceWorkerGlobalScope;

handleLifecycle(self);
