/**
 * Outpost components: Lit web components an app composes.
 * @module
 */
export { VERSION } from '../runtime/version.js';
export { OutpostDialog } from './dialog.js';
export { OutpostVirtualList } from './virtual-list.js';
export type { VirtualListOpenDetail, VirtualListRangeDetail, VirtualListSelectionDetail } from './virtual-list.js';
export { OutpostSyncStatus } from './sync-status.js';
export type { ConflictsSource, SyncStatusLike } from './sync-status.js';
export { OutpostSyncProgress } from './sync-progress.js';
export type { SyncProgressDetail } from './sync-progress.js';
export { OutpostUpdatePrompt } from './update-prompt.js';
export type { UpdateSource } from './update-prompt.js';
export { OutpostInstallButton } from './install-button.js';
export type { InstallOutcome, InstallSource } from './install-button.js';
export { OutpostToaster } from './toaster.js';
export type { ToastCloseReason, ToastHandle, ToastOptions } from './toaster.js';
export { OutpostShell } from './shell.js';
export { OutpostConflictInbox } from './conflict-inbox.js';
export type { ConflictResolution, ConflictResolvedDetail, ConflictSync } from './conflict-inbox.js';
export { OutpostRejections } from './rejections.js';
export type { RejectionDismissedDetail } from './rejections.js';
export { rejectionTitle } from './rejection-data.js';
export type { RejectionStore } from './rejection-data.js';
export { OutpostInspector } from './inspector.js';
export type { InspectorServiceWorker } from './inspector.js';
