// The views a first inbox paint does without — a conversation (with DOMPurify for HTML mail),
// compose, the drafts list, the conflict inbox and the refused changes — as one lazy chunk: 60 KB
// the cold start no longer parses and runs before the rows paint. `<mail-shell>` fetches it when
// one of them is shown, and a second after it first rendered, so opening a conversation later
// waits for nothing.
import 'outpost/components/conflict-inbox.js';
import 'outpost/components/rejections.js';
import './compose-panel.js';
import './drafts-list.js';
import './thread-view.js';
