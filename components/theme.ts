// Shared design tokens. Every component reads the same `--outpost-*` custom properties, so an app
// themes the whole library by setting them once (e.g. on :root); each falls back to a default.
import { css } from 'lit';

/** Base styles shared by the components: font, colours, focus ring and a visually-hidden helper. */
export const base = css`
  :host {
    font-family: var(--outpost-font, system-ui, sans-serif);
    color: var(--outpost-color-fg, #1f2328);
    box-sizing: border-box;
  }
  :host([hidden]) {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button {
    font: inherit;
    cursor: pointer;
    border: 1px solid var(--outpost-color-border, #8c959f);
    border-radius: var(--outpost-radius, 6px);
    background: var(--outpost-color-button-bg, #f6f8fa);
    color: var(--outpost-color-fg, #1f2328);
    padding: 0.35em 0.9em;
  }
  button.primary {
    background: var(--outpost-color-accent, #0b57d0);
    border-color: var(--outpost-color-accent, #0b57d0);
    color: var(--outpost-color-on-accent, #ffffff);
  }
  button:disabled {
    cursor: default;
    opacity: 0.6;
  }
  :focus-visible {
    outline: 2px solid var(--outpost-focus-ring, #0b57d0);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
