/**
 * Outpost components: Lit web components an app composes.
 * @module
 */
export { VERSION } from '../runtime/version.js';
export { OutpostDialog } from './dialog.js';
export { OutpostVirtualList } from './virtual-list.js';
export type { VirtualListOpenDetail, VirtualListSelectionDetail } from './virtual-list.js';
