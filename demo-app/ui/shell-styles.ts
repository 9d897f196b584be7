import { css } from 'lit';

/**
 * The look of the mail shell inside `<outpost-shell>` (which lays out the top bar, the drawer and
 * the main area, and collapses the drawer behind its menu button on phones).
 */
export const shellStyles = css`
  :host { display: block; height: 100%; min-height: 0; color: #202124; font-family: system-ui, sans-serif; }
  outpost-shell { --outpost-shell-top-bar-bg: #f6f8fc; --outpost-shell-drawer-bg: #f6f8fc; --outpost-color-bg: #f6f8fc; --outpost-shell-drawer-width: 15rem; --outpost-shell-top-bar-height: 3.5rem; }
  outpost-shell::part(top-bar), outpost-shell::part(drawer) { border: 0; }
  .top { display: flex; align-items: center; gap: 0.75rem; }
  .brand { font-size: 1.2rem; white-space: nowrap; }
  form[role='search'] { flex: 1; min-width: 0; }
  input[type='search'] { width: 100%; box-sizing: border-box; font: inherit; padding: 0.55rem 1rem; border: 1px solid #c4c7c5; border-radius: 1.5rem; background: #eaf1fb; }
  .sync { font-size: 0.8rem; color: #3c4043; white-space: nowrap; }
  .icon { font: inherit; background: none; border: 0; cursor: pointer; padding: 0.4rem 0.6rem; border-radius: 50%; color: #3c4043; }
  .accounts { position: relative; }
  .accounts summary { cursor: pointer; padding: 0.3rem 0.7rem; border-radius: 1rem; background: #0b57d0; color: #fff; list-style: none; }
  .menu-panel { position: absolute; right: 0; top: 2.4rem; z-index: 5; background: #fff; border: 1px solid #dadce0; border-radius: 8px; padding: 0.75rem; display: grid; gap: 0.5rem; min-width: 14rem; box-shadow: 0 2px 8px rgb(0 0 0 / 0.2); }
  .menu-panel ul { margin: 0; padding: 0; list-style: none; display: grid; gap: 0.25rem; }
  .menu-panel button { font: inherit; padding: 0.4rem; border: 1px solid #747775; border-radius: 4px; background: #fff; cursor: pointer; color: #202124; }
  a { color: #0b57d0; }
  .banner { margin: 0.5rem 1rem; padding: 0.5rem 1rem; background: #fce8e6; color: #5c1a15; border-radius: 6px; }
  .nav { padding: 0 0.5rem 1rem; }
  .nav ul { list-style: none; margin: 0; padding: 0; }
  .nav a { display: flex; align-items: center; gap: 0.5rem; padding: 0.35rem 1rem; border-radius: 0 1rem 1rem 0; color: #202124; text-decoration: none; }
  .nav a[aria-current='page'] { background: #d3e3fd; font-weight: 700; }
  .nav h2 { font-size: 0.9rem; font-weight: 500; margin: 1rem 1rem 0.25rem; }
  .dot { width: 0.7rem; height: 0.7rem; border-radius: 50%; display: inline-block; }
  .compose { font: inherit; margin: 0.25rem 0 0.75rem; padding: 0.9rem 1.4rem; border: 0; border-radius: 1rem; background: #c2e7ff; color: #001d35; cursor: pointer; }
  .new-label { display: flex; gap: 0.25rem; margin: 0.5rem 1rem; }
  .new-label input { flex: 1; min-width: 0; font: inherit; padding: 0.25rem 0.4rem; border: 1px solid #80868b; border-radius: 4px; }
  .new-label button { font: inherit; border: 1px solid #747775; border-radius: 4px; background: #fff; cursor: pointer; }
  .view { display: flex; flex-direction: column; height: 100%; min-height: 0; background: #fff; border-radius: 1rem 0 0 0; overflow: hidden; }
  .view > :last-child { flex: 1; min-height: 0; }
  /* Inset as the toolbar below it; the component itself spans its box edge to edge. */
  .view > outpost-sync-progress { padding: 0 0.75rem; }
  .toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.35rem; padding: 0.5rem 0.75rem; border-bottom: 1px solid #e0e0e0; }
  .toolbar h1 { font-size: 1.05rem; margin: 0 0.5rem 0 0; }
  .toolbar button, .toolbar select { font: inherit; font-size: 0.85rem; padding: 0.3rem 0.6rem; border: 1px solid #747775; border-radius: 4px; background: #fff; color: #202124; cursor: pointer; }
  .label-settings { display: inline-flex; gap: 0.35rem; margin-left: auto; }
  .shortcuts { border-collapse: collapse; }
  .shortcuts td, .shortcuts th { padding: 0.25rem 0.75rem; text-align: left; border-bottom: 1px solid #e0e0e0; }
  kbd { font-family: ui-monospace, monospace; background: #f1f3f4; border: 1px solid #c4c7c5; border-radius: 4px; padding: 0 0.35rem; }
  /* On phones a list's actions show only while conversations are selected (shell-parts.ts). */
  outpost-shell[narrow] .toolbar:not(.acting) .act { display: none; }
  /* Where the mailboxes (and their Compose button) collapse behind the menu, Compose floats. */
  .compose-fab { display: none; }
  /* Toasts rise above it rather than cover it. */
  outpost-shell[narrow] ~ outpost-toaster { bottom: 5rem; }
  outpost-shell[narrow] ~ .compose-fab { display: block; position: fixed; right: 1rem; bottom: 1rem; z-index: 5; font: inherit; padding: 0.9rem 1.2rem; border: 0; border-radius: 1rem; background: #c2e7ff; color: #001d35; box-shadow: 0 2px 6px rgb(0 0 0 / 0.3); cursor: pointer; }
  @media (max-width: 700px) {
    /* The state's words give way on phones; "1 conflict" and "1 change refused" stay, and so does
       what the badge announces to screen readers. */
    .brand, .sync::part(badge) { display: none; }
    .view { border-radius: 0; }
  }
`;
