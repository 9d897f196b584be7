/// <reference lib="webworker" />
// The worker `npm run dev` serves at /sw.js. A browser that last saw a production build of this
// origin keeps running its precached shell until the worker script changes: this one is new, so it
// installs at once, empties the caches, unregisters and reloads the tabs onto the dev build
// (IndexedDB, and so every pending change, is kept).
import { installKillSwitch } from 'outpost/sw';

declare const self: ServiceWorkerGlobalScope;
installKillSwitch(self);
