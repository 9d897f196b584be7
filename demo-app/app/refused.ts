// How the demo names a change the server refused, for <outpost-rejections>.
import type { StoredRejection } from 'outpost';
import { rejectionTitle } from 'outpost/components/rejection-data.js';
import type { SendMutationArgs } from './mail-store.js';

/**
 * The title of a refused change: a send names its subject ("Send “Lunch?”"), which a person
 * recognises where the mutation's name ("send") says little; others keep the component's default
 * (the mutation and its document).
 *
 * @example
 * html`<outpost-rejections .store=${session.store} .describe=${refusedChangeTitle}></outpost-rejections>`
 */
export function refusedChangeTitle(rejection: StoredRejection): string {
  const { name, args } = rejection.mutation as { name: string; args?: Partial<SendMutationArgs> };
  if (name !== 'send') return rejectionTitle(rejection);
  const subject = typeof args?.subject === 'string' && args.subject.trim() ? args.subject.trim() : '(no subject)';
  return `Send “${subject}”`;
}
