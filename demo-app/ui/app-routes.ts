// The demo's routes on the Outpost router: the sign-in page and an account's mail, each a lazy
// chunk. A mail route reads the account's labels from its store before it renders (route data),
// and every mail route renders the same template, so `<mail-shell>` (its toasts, pending Undo,
// keyboard state) lives on across navigations between mailboxes and threads.
import { html } from 'lit';
import { liveQuery, route, type Guard, type LiveQuery, type RouteConfig, type RouteParams, type Store } from 'outpost';
import type { Accounts } from 'outpost/accounts';
import type { InstallSource } from 'outpost/components';
import type { MailLabel } from '../model.js';
import type { MailSession } from '../app/mail-store.js';
import { MAIL_PATTERNS, homeOf, mailRouteOf, mailboxTitle } from '../app/routes.js';
import { labelsSnapshot } from '../app/snapshots.js';

/** What the routes render with. */
export interface MailRoutesOptions {
  /** The signed-in accounts (`/u/<n>` is the n-th). */
  accounts: Accounts<MailSession>;
  /** Base URL of the sync server, for signing in. */
  server: string;
  /** The install prompt, for the install button. */
  install?: InstallSource;
}

type Labels = Array<MailLabel & Record<string, unknown>>;

// One labels query per account's store: every mail route returns the same object, so the router
// keeps it running across navigations (opening a conversation re-read the labels before it rendered).
const labelQueries = new WeakMap<Store, LiveQuery<Labels>>();
const labelsOf = (store: Store): LiveQuery<Labels> => {
  let query = labelQueries.get(store);
  if (!query) labelQueries.set(store, (query = liveQuery(['labels'], async () => (await store.collection<MailLabel & Record<string, unknown>>('labels').query({})).sort((a, b) => a.name.localeCompare(b.name)))));
  return query;
};

const titleOf = (params: RouteParams, labels: Labels | undefined) => {
  const { mailbox } = mailRouteOf(params);
  return mailboxTitle(mailbox, mailbox.kind === 'label' ? labels?.find((l) => l.id === mailbox.id)?.name : undefined);
};

/** The app's routes: `/signin` and the mail patterns of {@link MAIL_PATTERNS}. */
export function mailRoutes({ accounts, server, install }: MailRoutesOptions): RouteConfig[] {
  // The first view paints from the snapshots before the store opens (`pending`), with the same
  // template as `render`, so Lit keeps <mail-shell> and its list when the session arrives.
  const userAt = (params: RouteParams): string | undefined => accounts.list()[Number(params.account)]?.user;
  const shell = (params: RouteParams, session: MailSession | undefined, labels: readonly MailLabel[]) => {
    const { account, mailbox, threadId } = mailRouteOf(params);
    return html`<mail-shell .session=${session} .account=${account} .accounts=${accounts.list()} .mailbox=${mailbox} .threadId=${threadId} .labels=${labels} .install=${install}></mail-shell>`;
  };
  // One loader for every mail route: the router loads it once, not once per path pattern.
  const load = () => import('./mail-shell.js');
  const mail = (path: string) =>
    route({
      path,
      name: 'mail',
      load,
      data: ({ store }) => labelsOf(store!),
      title: ({ params, data }) => `${titleOf(params, data)} · Outpost Mail`,
      pending: ({ params }) => {
        const user = userAt(params);
        return shell(params, undefined, (user && labelsSnapshot(user).read()) || []);
      },
      render: ({ params, data }) => {
        const user = userAt(params);
        const session = user && accounts.opened(user);
        // Signed out in another tab a moment ago: the guard sends the app elsewhere next.
        if (!session) return html`<p class="loading">Opening your mail…</p>`;
        return shell(params, session, data ?? []);
      },
    });
  return [
    {
      path: '/signin',
      name: 'signin',
      title: 'Sign in · Outpost Mail',
      load: () => import('./sign-in-page.js'),
      render: () => html`<mail-sign-in .server=${server} .signedIn=${accounts.list().map((a) => a.user)}></mail-sign-in>`,
    },
    ...MAIL_PATTERNS.map(mail),
  ];
}

/**
 * The sign-in guard: an account's paths need that account signed in on this device; any other
 * path goes to the first account's inbox, or to the sign-in page when nobody is signed in.
 */
export function signInGuard(accounts: Accounts<MailSession>): Guard {
  return ({ path, params, route }) => {
    const signedIn = accounts.list().length;
    // No route matched (the fallback has no path), or the path names an account not signed in.
    if (!('path' in route) || Number(params.account) >= signedIn) return homeOf(path, signedIn);
    return true;
  };
}

/**
 * The store a location reads from: the account's, opened on its first visit (`onOpen` then sees its
 * session, e.g. to let the service worker watch its sync); none for the sign-in page.
 */
export function accountStore(accounts: Accounts<MailSession>, onOpen: (session: MailSession) => void) {
  return async ({ params }: { params: RouteParams }) => {
    if (params.account === undefined) return undefined;
    const session = await accounts.session(Number(params.account));
    onOpen(session);
    return session.store;
  };
}
