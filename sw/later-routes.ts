// Requests that precacheAppShell's route for older builds' files leaves to routes registered after
// it (Workbox answers a request with the first route that matches, whatever the call order).

/** Matchers of same-origin requests another Outpost route answers (cacheMedia's media). */
export const laterRoutes: Array<(request: Request) => boolean> = [];
