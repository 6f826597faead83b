// Receiver-side dedup keyed on the event id (docs/BEHAVIOUR.md, "Request and signatures"). VantaStatus retries until it sees a 2xx, so
// a receiver that answered slowly or lost the response will get the same event again.

export const MIN_DEDUP_TTL_SEC = 86_400;

export interface DedupStore {
  /**
   * Atomically stores `key` for `ttlSec` seconds unless it is already stored and not expired.
   * Returns true when this call stored it, false when it was already there. Must be a single atomic
   * step (e.g. Redis `SET key 1 NX EX ttl`), or two concurrent deliveries could both see "new".
   */
  setIfAbsent(key: string, ttlSec: number): Promise<boolean>;
  /** Optional; needed only by Deduper.forget. */
  delete?(key: string): Promise<void>;
}

export interface MemoryDedupStore extends DedupStore {
  delete(key: string): Promise<void>;
  /** Live (unexpired) entries. */
  size(): number;
}

export interface MemoryDedupStoreOptions {
  /** Clock in milliseconds, injectable for tests. */
  now?: () => number;
}

/**
 * Single-process store. Entries live in a Map in insertion order; with one TTL per deduper that is
 * also expiry order, so sweeping from the front keeps memory bounded at O(1) amortised per call.
 */
export function createMemoryDedupStore(opts: MemoryDedupStoreOptions = {}): MemoryDedupStore {
  const now = opts.now ?? Date.now;
  const expiresAt = new Map<string, number>();

  function sweep(at: number): void {
    for (const [key, expiry] of expiresAt) {
      if (expiry > at) break;
      expiresAt.delete(key);
    }
  }

  return {
    // Everything before the first await runs synchronously, which is what makes this atomic.
    async setIfAbsent(key: string, ttlSec: number): Promise<boolean> {
      const at = now();
      sweep(at);
      const expiry = expiresAt.get(key);
      if (expiry !== undefined && expiry > at) return false;
      // Re-inserting moves the key to the back, keeping the Map ordered by expiry.
      expiresAt.delete(key);
      expiresAt.set(key, at + ttlSec * 1000);
      return true;
    },
    async delete(key: string): Promise<void> {
      expiresAt.delete(key);
    },
    size(): number {
      sweep(now());
      return expiresAt.size;
    },
  };
}

export interface DeduperOptions {
  /** Defaults to a new in-memory store (one process only; use a shared store when you run several). */
  store?: DedupStore;
  /** How long an event id is remembered. Default and minimum: 86 400 s (24 h). */
  ttlSec?: number;
  /** Clock in milliseconds for the default in-memory store; ignored when `store` is given. */
  now?: () => number;
  /** Namespaces keys in a shared store. Default "vantastatus:event:". */
  keyPrefix?: string;
}

export interface Deduper {
  /** Marks the event as seen and reports whether it already was: false the first time, true after. */
  seen(eventId: string): Promise<boolean>;
  /**
   * Unmarks an event, for when processing failed after `seen` returned false. Without it, the
   * retry VantaStatus sends after your error response would be dropped as a duplicate.
   */
  forget(eventId: string): Promise<void>;
}

export function createDeduper(opts: DeduperOptions = {}): Deduper {
  const ttlSec = opts.ttlSec ?? MIN_DEDUP_TTL_SEC;
  // A shorter TTL is refused rather than rounded up: it is a configuration mistake, and the
  // customer's guarantee (identical ids for 24 h of retries) would silently not hold.
  if (!Number.isSafeInteger(ttlSec) || ttlSec < MIN_DEDUP_TTL_SEC) {
    throw new RangeError(`dedup ttlSec must be an integer of at least ${MIN_DEDUP_TTL_SEC} (24 h), got ${String(ttlSec)}`);
  }
  const store = opts.store ?? createMemoryDedupStore(opts.now ? { now: opts.now } : {});
  const prefix = opts.keyPrefix ?? 'vantastatus:event:';

  function keyFor(eventId: string): string {
    if (typeof eventId !== 'string' || eventId.length === 0) {
      throw new TypeError('dedup: eventId must be a non-empty string');
    }
    return prefix + eventId;
  }

  return {
    async seen(eventId: string): Promise<boolean> {
      return !(await store.setIfAbsent(keyFor(eventId), ttlSec));
    },
    async forget(eventId: string): Promise<void> {
      const key = keyFor(eventId);
      // Failing loudly beats a silent no-op that would drop the customer's retried alert.
      if (typeof store.delete !== 'function') {
        throw new Error('dedup: this DedupStore has no delete(key), so forget() cannot work');
      }
      await store.delete(key);
    },
  };
}
