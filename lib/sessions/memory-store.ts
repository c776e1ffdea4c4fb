/**
 * An in-process session store, for tests and single-process apps: bounded,
 * and every entry expires.
 */
import { parseSessionRecord, type SessionRecord, type SessionStore } from "./session-store.js";

/** Options of `new MemoryStore()`. */
export interface MemoryStoreOptions {
  /** The most sessions kept (10,000); past it the least recently saved one is dropped. */
  maxEntries?: number;
}

/**
 * Sessions in a `Map` in this process: each kept as JSON (so a handler
 * cannot change a stored session by holding on to an object), expiring
 * after its time to live, and at most `maxEntries` of them, the least
 * recently saved dropped first. Not shared between processes or instances,
 * and lost on restart: use `RedisStore` for that.
 *
 * @example
 * app.use(sessions({ store: new MemoryStore({ maxEntries: 1000 }) }));
 */
export class MemoryStore implements SessionStore {
  readonly maxEntries: number;
  readonly #entries = new Map<string, { json: string; expires: number }>();

  constructor(options: MemoryStoreOptions = {}) {
    const max = options.maxEntries ?? 10_000;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxEntries is a positive integer, not ${max}.`);
    this.maxEntries = max;
  }

  /** How many sessions are kept, expired ones not yet dropped included. */
  get size(): number {
    return this.#entries.size;
  }

  get(id: string): SessionRecord | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expires <= Date.now()) {
      this.#entries.delete(id);
      return undefined;
    }
    return parseSessionRecord(entry.json);
  }

  set(id: string, record: SessionRecord, ttlSeconds: number): void {
    // Deleted first so that the entry moves to the end: the Map's order is the eviction order.
    this.#entries.delete(id);
    this.#entries.set(id, { json: JSON.stringify(record), expires: Date.now() + ttlSeconds * 1000 });
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }

  destroy(id: string): void {
    this.#entries.delete(id);
  }

  touch(id: string, ttlSeconds: number): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#entries.delete(id);
    this.#entries.set(id, { json: entry.json, expires: Date.now() + ttlSeconds * 1000 });
  }
}
