// A small in-process cache of computed answers, so a burst of identical public reads (badges embedded in a busy
// README) costs one database read per key and TTL. Per API process; bounded, oldest entries dropped first.
export function ttlCache<V>(ttlMs: number, maxEntries = 10_000) {
  const entries = new Map<string, { value: Promise<V>; until: number }>();
  return async (key: string, compute: () => Promise<V>, now = Date.now()): Promise<V> => {
    const hit = entries.get(key);
    if (hit && hit.until > now) return hit.value;
    entries.delete(key);
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
    const value = compute();
    entries.set(key, { value, until: now + ttlMs });
    // a failed computation is not kept: the next read tries again
    value.catch(() => entries.delete(key));
    return value;
  };
}
