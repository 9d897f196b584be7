// `outpost build` options: src/main.ts, index.html, public/ and src/sw.ts into dist/ (the defaults),
// plus the web app manifest that makes the app installable, and the parts of Outpost the first
// view runs, preloaded with the entry: the store's reads, and the router's URLPattern polyfill
// (fetched and not run where the browser has URLPattern).
export default {
  preload: ['outpost/store', 'outpost/router'],
  manifest: {
    name: 'To-do',
    short_name: 'To-do',
    theme_color: '#1a73e8',
    background_color: '#ffffff',
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192' },
      { src: '/icons/icon-512.png', sizes: '512x512' },
      { src: '/icons/maskable-512.png', sizes: '512x512', purpose: 'maskable' },
    ],
  },
};
