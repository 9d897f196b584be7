// Type-level checks, run by the repository's `tsc --noEmit` (test/ is in tsconfig.json), never
// executed: a custom mutation's mutator (client) and handler (server) declare their args' type
// without casts, and read documents by their type.
import { createSync, type Mutator, type Store } from '../../runtime/index.js';
import { defineStubApp, type MutationHandler } from '../../server-stub/index.js';

interface Task {
  id: string;
  title: string;
  done: boolean;
}

export function clientMutators(store: Store): void {
  const archive: Mutator<{ before: number }> = async (tx, args) => {
    const task = await tx.get<Task>('tasks', 't1');
    if (task && args.before > 0) await tx.put('tasks', { ...task, done: true });
  };
  createSync({
    store,
    url: '',
    auth: { token: '' },
    collections: { tasks: {} },
    mutators: {
      clearDone: async (tx, args: { ids: string[] }) => {
        for (const id of args.ids) if ((await tx.get<Task>('tasks', id))?.done) await tx.delete('tasks', id);
      },
      archive,
      // @ts-expect-error -- unannotated args are unknown: say what they are before using them.
      untyped: async (tx, args) => tx.delete('tasks', args.id),
      // @ts-expect-error -- tx.get's type is an object type.
      notAnObject: async (tx) => void (await tx.get<string>('tasks', 't1')),
    },
  });
}

export const serverHandlers = defineStubApp({
  mutations: {
    async clearDone(ctx, args: { ids: string[] }) {
      for (const id of args.ids) await ctx.docs.delete('tasks', id);
    },
    async untyped(ctx, args) {
      // @ts-expect-error -- unannotated args are unknown here too.
      await ctx.docs.delete('tasks', args.id);
    },
  },
});

export const handler: MutationHandler<{ id: string }> = async (ctx, args) => void (await ctx.docs.delete('tasks', args.id));
