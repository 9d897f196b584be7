// Gmail-style keyboard shortcuts: single keys, Shift combos and two-key sequences ("g i").

/** Everything a shortcut can ask the mail UI to do. */
export type MailCommand =
  | 'next' | 'previous' | 'open' | 'back' | 'archive' | 'delete' | 'star'
  | 'mark-read' | 'mark-unread' | 'compose' | 'reply' | 'reply-all' | 'forward'
  | 'search' | 'go-inbox' | 'go-starred' | 'go-sent' | 'undo' | 'help' | 'select';

/** The shortcut table, as shown in the help dialog. Keys are `KeyboardEvent.key` values. */
export const SHORTCUTS: ReadonlyArray<{ keys: string; command: MailCommand; label: string }> = [
  { keys: 'j', command: 'next', label: 'Next conversation' },
  { keys: 'k', command: 'previous', label: 'Previous conversation' },
  { keys: 'o', command: 'open', label: 'Open conversation' },
  { keys: 'Enter', command: 'open', label: 'Open conversation' },
  { keys: 'x', command: 'select', label: 'Select conversation' },
  { keys: 'u', command: 'back', label: 'Back to the list' },
  { keys: 'e', command: 'archive', label: 'Archive' },
  { keys: '#', command: 'delete', label: 'Delete' },
  { keys: 's', command: 'star', label: 'Star / unstar' },
  { keys: 'Shift+I', command: 'mark-read', label: 'Mark as read' },
  { keys: 'Shift+U', command: 'mark-unread', label: 'Mark as unread' },
  { keys: 'c', command: 'compose', label: 'Compose' },
  { keys: 'r', command: 'reply', label: 'Reply' },
  { keys: 'a', command: 'reply-all', label: 'Reply all' },
  { keys: 'f', command: 'forward', label: 'Forward' },
  { keys: '/', command: 'search', label: 'Search mail' },
  { keys: 'g i', command: 'go-inbox', label: 'Go to Inbox' },
  { keys: 'g s', command: 'go-starred', label: 'Go to Starred' },
  { keys: 'g t', command: 'go-sent', label: 'Go to Sent' },
  { keys: 'z', command: 'undo', label: 'Undo last action' },
  { keys: '?', command: 'help', label: 'Show keyboard shortcuts' },
];

/** How long the second key of a sequence may follow the first. */
const SEQUENCE_MS = 1500;

function keyName(e: KeyboardEvent): string {
  // Shift is part of the character for symbols (#, ?), so only letters get a "Shift+" prefix.
  return e.shiftKey && /^[a-z]$/i.test(e.key) ? `Shift+${e.key.toUpperCase()}` : e.key;
}

/** Controls Enter activates: the key is theirs (a link followed, a button pressed), not "open". */
const ACTIVATES = 'a[href], area[href], button, summary, [role=button], [role=link], [role=menuitem], [role=tab], [role=checkbox], [role=switch]';

/**
 * Marks a region whose keys are its own (the compose panel): from anywhere in it, on its Send or
 * close button too, a key is never a shortcut, or `e` would archive the conversation behind it.
 */
export const OWN_KEYS_ATTRIBUTE = 'data-own-keys';

/** True when the event comes from somewhere the user types text, or is Enter on a control it activates. */
function isTyping(e: KeyboardEvent): boolean {
  const path = e.composedPath();
  const target = (path[0] ?? e.target) as HTMLElement | null;
  if (!target || !('tagName' in target)) return false;
  if (path.some((n) => n instanceof Element && n.hasAttribute(OWN_KEYS_ATTRIBUTE))) return true;
  if (e.key === 'Enter' && target.matches(ACTIVATES)) return true;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Listens for shortcuts on `target` and calls `onCommand`. Ignores keys typed into fields or
 * pressed in a region marked {@link OWN_KEYS_ATTRIBUTE}, Enter on a link or button (it follows or
 * presses it) and keys pressed with Ctrl, Alt or Meta (the
 * browser's own shortcuts). Returns a function that stops
 * listening.
 */
export function listenForShortcuts(target: EventTarget, onCommand: (command: MailCommand) => void): () => void {
  let pending: { key: string; at: number } | undefined;
  const table = new Map(SHORTCUTS.map((s) => [s.keys, s.command]));
  const listener = (event: Event) => {
    const e = event as KeyboardEvent;
    if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey || isTyping(e)) return;
    const key = keyName(e);
    const now = performance.now();
    const sequence = pending && now - pending.at < SEQUENCE_MS ? table.get(`${pending.key} ${key}`) : undefined;
    pending = undefined;
    const command = sequence ?? table.get(key);
    if (command) {
      e.preventDefault();
      onCommand(command);
    } else if (SHORTCUTS.some((s) => s.keys.startsWith(`${key} `))) {
      pending = { key, at: now };
    }
  };
  target.addEventListener('keydown', listener);
  return () => target.removeEventListener('keydown', listener);
}
