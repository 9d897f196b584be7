// `outpost build` options: src/main.ts, index.html, public/ and src/sw.ts into dist/ (the defaults),
// plus the web app manifest that makes the app installable, and the part of Outpost the first view
// reads with (preloaded with the entry).
export default {
  preload: ['outpost/store'],
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
