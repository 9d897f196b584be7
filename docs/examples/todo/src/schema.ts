// The app's local database, shared by the page and the service worker (which imports only this
// module and outpost/core, so the worker bundle carries no page code).
import { accountStoreName, syncCollections, type CollectionSchema } from 'outpost/core';

/** The app's name: its session database is `todo:session`, each account's data `todo:<user>`. */
export const APP = 'todo';

/** A to-do, a document of the synced `todos` collection. */
export type Todo = { id: string; title: string; done: boolean; createdAt: number };

/** The collections sync keeps in step with the server, and their conflict policy. */
export const synced = { todos: {} };

/** The store of one account: the app's collections plus the ones sync keeps its outbox and cursor in. */
export function todoSchema(user: string) {
  const todos: CollectionSchema = { keyPath: 'id', indexes: { byCreated: 'createdAt' } };
  return { name: accountStoreName(APP, user), version: 1, collections: { todos, ...syncCollections } };
}
