import { html } from 'lit';

/**
 * A paperclip drawn in SVG, sized to the text around it and in its colour. Not the 📎 emoji: a
 * machine without a colour emoji font (many Linux desktops, this repository's CI) draws that as
 * an empty box.
 */
export const paperclip = html`<svg class="icon" viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9"/></svg>`;
