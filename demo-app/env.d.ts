// Build-time constants replaced by esbuild's `define` (see scripts/build-app.mjs).
interface ImportMetaEnv {
  readonly DEV: boolean;
  readonly BASE_URL: string;
  readonly LIVE_RELOAD_URL: string;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
