/**
 * Where `rateLimit()` counts requests: the store interface, so that a
 * store shared between instances (Redis) plugs in beside the in-memory one.
 */

/** A key's count in its current window, as a store reports it. */
export interface RateLimitHit {
  /** Requests counted for the key in the current window, this one included. */
  count: number;
  /** When the current window ends, in milliseconds since the epoch. */
  resetAt: number;
}

/**
 * A rate-limit store: count one more request for `key` in a window of
 * `windowMs` milliseconds (the window starts with the key's first request
 * and the count starts again after it), and say the count and when the
 * window ends. Synchronous or asynchronous.
 *
 * @example
 * const store: RateLimitStore = { increment: (key, windowMs) => redisIncrement(key, windowMs) };
 * app.use(rateLimit({ limit: 100, windowMs: 60_000, store }));
 */
export interface RateLimitStore {
  increment(key: string, windowMs: number): RateLimitHit | Promise<RateLimitHit>;
}
