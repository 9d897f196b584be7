// The router's built-in views: never a blank page, whatever went wrong.
import { html } from 'lit/html.js';
import { isChunkLoadError } from '../sw-client/stale-chunk.js';
import type { ErrorViewContext, FallbackRoute } from './types.js';

/** The default 404 route: a heading, the path, and a link home. */
export const notFoundRoute: FallbackRoute = {
  name: 'not-found',
  title: 'Page not found',
  render: ({ path, href }) => html`<section data-outpost-view="not-found">
    <h1>Page not found</h1>
    <p>Nothing lives at <code>${path}</code> in this app.</p>
    <p><a href=${href('/')}>Go to the start page</a></p>
  </section>`,
};

/** The default error view for a route that failed to load: what happened and a Retry button. */
export function defaultErrorView({ error, path, retry }: ErrorViewContext): unknown {
  const chunk = isChunkLoadError(error);
  const message = error instanceof Error ? error.message : String(error);
  return html`<section role="alert" data-outpost-view="error">
    <h1>This page didn't load</h1>
    <p>
      ${chunk
        ? 'Part of the app could not be downloaded: you may be offline, or a new version was released.'
        : `Opening ${path} failed.`}
    </p>
    <p><small>${message}</small></p>
    <button type="button" @click=${() => void retry()}>Retry</button>
  </section>`;
}
