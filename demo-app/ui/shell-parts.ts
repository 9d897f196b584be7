// The shell's navigation column and toolbar, as render functions over the shell's state (kept out
// of mail-shell.ts so each file stays about one thing).
import { html } from 'lit';
import { ACTIONS, moveTo } from '../app/actions.js';
import { createLabel, deleteLabel, updateLabel, LABEL_COLORS } from '../app/labels.js';
import { mailPath, type Mailbox } from '../app/routes.js';
import type { MailShell } from './mail-shell.js';
import { cssColor } from './format.js';

const BOXES: Array<{ id: 'inbox' | 'starred' | 'sent' | 'drafts' | 'all' | 'trash'; name: string }> = [
  { id: 'inbox', name: 'Inbox' },
  { id: 'starred', name: 'Starred' },
  { id: 'sent', name: 'Sent' },
  { id: 'drafts', name: 'Drafts' },
  { id: 'all', name: 'All mail' },
  { id: 'trash', name: 'Trash' },
];

const same = (a: Mailbox, b: Mailbox) => JSON.stringify(a) === JSON.stringify(b);

/** Compose button, system mailboxes, user labels and the new-label form (the shell's drawer). */
export function renderNav(shell: MailShell) {
  const link = (box: Mailbox, name: string, color?: string) =>
    html`<li><a href=${mailPath(shell.account, box)} aria-current=${same(box, shell.mailbox) ? 'page' : 'false'}>
      ${color ? html`<span class="dot" style="background:${cssColor(color)}"></span>` : ''}${name}</a></li>`;
  const onCreate = async (e: SubmitEvent) => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('label') as HTMLInputElement;
    const name = input.value.trim();
    // Nothing to write to before the store opens (a cold start's first moments): the name stays.
    if (!name || !shell.session) return;
    input.value = '';
    const id = await createLabel(shell.session, name);
    shell.go(mailPath(shell.account, { kind: 'label', id }));
  };
  return html`
    <button class="compose" @click=${() => shell.openCompose({ kind: 'new' })}>✎ Compose</button>
    <ul>${BOXES.map((b) => link({ kind: 'system', id: b.id }, b.name))}</ul>
    <h2 id="labels-heading">Labels</h2>
    <ul aria-labelledby="labels-heading">${shell.labels.map((l) => link({ kind: 'label', id: l.id }, l.name, l.color))}</ul>
    <form class="new-label" @submit=${onCreate}>
      <input name="label" aria-label="New label name" placeholder="New label" />
      <button aria-label="Create label">+</button>
    </form>`;
}

/** Actions on the selection (or the open thread), plus label settings in a label's view. */
export function renderToolbar(shell: MailShell, title: string) {
  const box = shell.mailbox;
  const inTrash = box.kind === 'system' && box.id === 'trash';
  const label = box.kind === 'label' ? shell.labels.find((l) => l.id === box.id) : undefined;
  const onLabel = (e: Event) => {
    const select = e.target as HTMLSelectElement;
    const [op, id] = select.value.split(':');
    select.value = '';
    if (id) void shell.applyLabel(id, op === 'remove');
  };
  const onMove = (e: Event) => {
    const select = e.target as HTMLSelectElement;
    const target = [{ id: 'INBOX', name: 'Inbox' }, { id: 'TRASH', name: 'Trash' }, ...shell.labels].find((t) => t.id === select.value);
    select.value = '';
    if (target) void shell.act((s, ids) => moveTo(s, ids, target), true);
  };
  const labelSettings = label
    ? html`<span class="label-settings">
        <button @click=${() => {
          const name = prompt(`Rename label "${label.name}" to:`, label.name)?.trim();
          if (name && shell.session) void updateLabel(shell.session, label.id, { name });
        }}>Rename</button>
        <select aria-label="Label colour" .value=${label.color} @change=${(e: Event) => shell.session && void updateLabel(shell.session, label.id, { color: (e.target as HTMLSelectElement).value })}>
          ${LABEL_COLORS.map((c) => html`<option value=${c.value} ?selected=${c.value === label.color}>${c.name}</option>`)}
        </select>
        <button @click=${async () => {
          if (!shell.session || !confirm(`Delete label "${label.name}"? Conversations keep their other labels.`)) return;
          await deleteLabel(shell.session, label.id);
          shell.go(mailPath(shell.account, { kind: 'system', id: 'inbox' }));
        }}>Delete label</button>
      </span>`
    : '';
  // The drafts list holds drafts, not conversations: none of these actions apply to it.
  if (box.kind === 'system' && box.id === 'drafts' && !shell.threadId) return html`<div class="toolbar"><h1>${title}</h1></div>`;
  // On phones (the shell narrow) a list shows its actions only while conversations are selected,
  // as Gmail does: three rows of buttons above the list otherwise.
  return html`<div class="toolbar ${shell.threadId || shell.selected ? 'acting' : ''}" role="toolbar" aria-label="Conversation actions">
    ${shell.threadId
      ? html`<button aria-label="Back to ${title}" @click=${() => shell.go(mailPath(shell.account, box))}>←</button>`
      : html`<h1>${title}</h1><button @click=${() => shell.list?.toggleAll()}>Select all</button>`}
    <button class="act" @click=${() => shell.act(ACTIONS.archive, true)}>Archive</button>
    ${inTrash
      ? html`<button class="act" @click=${() => shell.act(ACTIONS.moveToInbox, true)}>Move to Inbox</button>`
      : html`<button class="act" @click=${() => shell.act(ACTIONS.trash, true)}>Delete</button>`}
    <button class="act" @click=${() => shell.run('star')}>Star</button>
    <button class="act" @click=${() => shell.act(ACTIONS.markRead)}>Mark read</button>
    <button class="act" @click=${() => shell.act(ACTIONS.markUnread, true)}>Mark unread</button>
    <select class="act" aria-label="Labels" @change=${onLabel}>
      <option value="">Label…</option>
      ${shell.labels.map((l) => html`<option value=${`add:${l.id}`}>Add “${l.name}”</option>`)}
      ${shell.labels.map((l) => html`<option value=${`remove:${l.id}`}>Remove “${l.name}”</option>`)}
    </select>
    <select class="act" aria-label="Move to" @change=${onMove}>
      <option value="">Move to…</option>
      <option value="INBOX">Inbox</option>
      <option value="TRASH">Trash</option>
      ${shell.labels.map((l) => html`<option value=${l.id}>${l.name}</option>`)}
    </select>
    ${labelSettings}
  </div>`;
}
