// A conflict's document as `collection / key`: what <outpost-conflict-inbox> titles it and
// <outpost-sync-status> announces it as when the app names documents no better. Apart from both,
// so the badge does not ship the list.
import type { StoredConflict } from '../runtime/index.js';

/**
 * `collection / key` of a conflict's document.
 *
 * @example
 * conflictDocument({ collection: 'labels', key: 'label-work' }); // 'labels / label-work'
 */
export const conflictDocument = (conflict: Pick<StoredConflict, 'collection' | 'key'>): string => `${conflict.collection} / ${conflict.key}`;
