/**
 * The in-memory rate-limit store: one process's counts, bounded in size.
 */
import type { RateLimitHit, RateLimitStore } from "./rate-limit-store.js";

/** Options of {@link MemoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /**
   * The most keys held at once (100,000: a few MB). Past it the oldest key
   * is dropped, so a flood of distinct keys (many client addresses) costs
   * bounded memory; the key dropped starts a fresh window if it comes back.
   */
  maxKeys?: number;
}

// Expired keys dropped per increment: more than the one a call can add, so
// the map shrinks back as windows end while traffic goes on.
const SWEEP = 4;

/**
 * A {@link RateLimitStore} in this process's memory: a fixed window per key,
 * starting with the key's first request. It never grows without bound:
 * expired keys are dropped as new requests come (oldest first, a few per
 * call, no timer), and past `maxKeys` the oldest key goes. Counts are per
 * process: behind several processes or machines, use a shared store.
 *
 * @example
 * const store = new MemoryRateLimitStore({ maxKeys: 50_000 });
 * app.use(rateLimit({ limit: 100, windowMs: 60_000, store }));
 */
export class MemoryRateLimitStore implements RateLimitStore {
  // Insertion order is window-start order (a key whose window ends is
  // deleted and set again), so the oldest windows are at the front.
  readonly #hits = new Map<string, RateLimitHit>();
  readonly #maxKeys: number;

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    const maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new TypeError(`MemoryRateLimitStore: maxKeys is a whole number above 0, not ${maxKeys}.`);
    this.#maxKeys = maxKeys;
  }

  /** Count one more request for `key`, in its window of `windowMs` (a new one if the last has ended). */
  increment(key: string, windowMs: number): RateLimitHit {
    const now = Date.now();
    const hits = this.#hits;
    this.#sweep(now);
    let hit = hits.get(key);
    if (hit === undefined || hit.resetAt <= now) {
      if (hit !== undefined) hits.delete(key);
      else if (hits.size >= this.#maxKeys) hits.delete(hits.keys().next().value!);
      hit = { count: 0, resetAt: now + windowMs };
      hits.set(key, hit);
    }
    hit.count++;
    return { count: hit.count, resetAt: hit.resetAt };
  }

  /** Forget a key's count (after a successful login, say). */
  reset(key: string): void {
    this.#hits.delete(key);
  }

  /** How many keys are held. */
  get size(): number {
    return this.#hits.size;
  }

  #sweep(now: number): void {
    let dropped = 0;
    for (const [key, hit] of this.#hits) {
      if (hit.resetAt > now || dropped === SWEEP) return;
      this.#hits.delete(key);
      dropped++;
    }
  }
}
