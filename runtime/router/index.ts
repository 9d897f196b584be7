/**
 * The Outpost router: @lit-labs/router with a navigation layer (history, base path, query, guards,
 * lazy route modules, live route data from the store, link interception, scroll and focus).
 * @module
 */
export { Router } from './router.js';
export type { NavigateOptions, RouterOptions } from './router.js';
export { RouteController } from './route-controller.js';
export { liveQuery, route } from './types.js';
export type { ErrorViewContext, FallbackRoute, Guard, GuardContext, GuardResult, LiveQuery, RouteConfig, RouteContext, RouteLocation, RouteParams, RouteTitle } from './types.js';
