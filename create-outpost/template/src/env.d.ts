// What `outpost build` defines under import.meta.env (esbuild's `define`): in the page and the worker.
interface ImportMetaEnv {
  /** True in a development build (`outpost build --dev`). */
  readonly DEV: boolean;
  /** Where the app is served, with a trailing slash: `/`, or the build's `base` (`/my-app/`). */
  readonly BASE_URL: string;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
