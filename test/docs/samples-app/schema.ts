// The app's schema module, which offline.md's service worker sample imports as './schema.js' (the
// page imports it too): the store's schema and the collections sync keeps.
import { syncCollections, type StoreSchema } from 'outpost/core';

export const collections = { messages: {} };
export const schema: StoreSchema = {
  name: 'mail:alice',
  version: 1,
  collections: { messages: { keyPath: 'id' }, settings: { keyPath: 'id' }, ...syncCollections },
};
