// The URLPattern polyfill in a module of its own, so a build can name its chunk: an app whose
// browsers lack URLPattern (Firefox ESR 140) preloads it with the entry (`preload: ['outpost/router']`)
// instead of fetching it once the router is made, after the whole module graph ran.
export { URLPattern } from 'urlpattern-polyfill/urlpattern';
