// Messages to the other tabs that must arrive even when sent after their channel closed: a
// transaction in flight when its store or sync engine closes still commits, and the other tabs'
// live queries and mutation handles wait to hear of it.

/** Posts `message` on `channel`; once `channel` is closed, on a channel of the same name opened for it alone. */
export function broadcast(channel: BroadcastChannel | undefined, message: unknown): void {
  try {
    channel?.postMessage(message);
  } catch {
    // InvalidStateError: closed. (A message that cannot be cloned throws again here, as it should.)
    const once = new BroadcastChannel(channel!.name);
    once.postMessage(message);
    once.close();
  }
}
