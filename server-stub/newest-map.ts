// The stub's bounded in-memory maps (sessions, rate-limit buckets, known clients) keep their
// newest entries: a Map iterates in insertion order, so re-inserting a key makes it the newest
// and the first key is the oldest.

/** Sets `key` as the newest entry of `map`, dropping the oldest once it holds more than `max`. */
export function setNewest<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value!);
}
