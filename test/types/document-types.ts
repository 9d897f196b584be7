// Type-level checks, run by the repository's `tsc --noEmit` (test/ is in tsconfig.json), never
// executed: an app's document types are often interfaces, which have no index signature, and the
// store, sync and live queries must take them as they are, without casts.
import { LitElement } from 'lit';
import { LiveQueryController, type Store, type Sync } from '../../runtime/index.js';

interface Task {
  id: string;
  title: string;
  done: boolean;
}

export async function interfacesAreDocuments(store: Store, sync: Sync, host: LitElement): Promise<void> {
  const tasks = store.collection<Task>('tasks');
  const task: Task | undefined = await tasks.get('t1');
  const all: Task[] = await tasks.query({ limit: 10 });
  await tasks.put({ id: 't2', title: 'Write', done: false });
  tasks.observe({}, (rows: Task[]) => rows.map((t) => t.title));
  const live = new LiveQueryController(host, tasks, {});
  const first: Task | undefined = live.value?.[0];
  await store.transaction(['tasks'], 'readwrite', async (tx) => tx.collection<Task>('tasks').put(all[0]!));

  await sync.put('tasks', task!);
  const change: Partial<Task> = { done: true };
  await sync.patch('tasks', 't1', change);
  await sync.batch((b) => {
    b.put('tasks', first!);
    b.patch('tasks', 't1', change);
  });
}

export async function nonObjectsAreNotDocuments(store: Store, sync: Sync): Promise<void> {
  // @ts-expect-error -- a collection holds objects (records with a key field), not strings.
  store.collection<string>('tasks');
  // @ts-expect-error -- a document is an object.
  await sync.put('tasks', 'Write');
  // @ts-expect-error -- a patch is an object of fields.
  await sync.patch('tasks', 't1', 42);
  // @ts-expect-error -- a collection's records are its type.
  await store.collection<Task>('tasks').put({ id: 't3' });
}
