/**
 * Rate limiting: so many requests per key (the client's address by default)
 * in a window, then 429, in the manner of `express-rate-limit` and
 * `@fastify/rate-limit`.
 */
import type { Middleware } from "../core/middleware.js";
import type { Request } from "../core/request.js";
import { TooManyRequests } from "../http/errors.js";
import { MemoryRateLimitStore } from "./memory-rate-limit-store.js";
import type { RateLimitHit, RateLimitStore } from "./rate-limit-store.js";

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Requests allowed per key in a window (100). */
  limit?: number;
  /** The window in milliseconds (60,000: a minute). */
  windowMs?: number;
  /**
   * The key requests are counted under; by default `request.ip` (the
   * socket's peer, or behind a trusted proxy the address it forwarded, see
   * `trustProxy`). A request with no key (no address) is counted under `""`.
   */
  key?: (request: Request) => string | undefined | Promise<string | undefined>;
  /** Where counts are kept: by default a {@link MemoryRateLimitStore} of this process. */
  store?: RateLimitStore;
  /** Requests not counted at all (health checks, say). */
  skip?: (request: Request) => boolean;
  /** Send `RateLimit-Limit`, `-Remaining`, `-Reset` and `-Policy` on every counted response (true). */
  headers?: boolean;
  /** The message of the 429. */
  message?: string;
}

/**
 * Rate-limit middleware: count each request under its key in the store; past
 * `limit` in a window, answer 429 Too Many Requests (through the error
 * views, so the client gets the page or JSON it accepts) with `Retry-After`
 * in seconds. Every counted response carries the IETF draft headers
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds until
 * the window ends) and `RateLimit-Policy` (`100;w=60`). The window is fixed
 * per key and starts with the key's first request (see `RateLimitStore`).
 * A store that fails fails the request (a logged 500): counting is not
 * silently skipped.
 *
 * @example
 * app.use(rateLimit({ limit: 100, windowMs: 60_000 }));
 * new Route("/login", Login, { middleware: [rateLimit({ limit: 5, windowMs: 15 * 60_000 })] });
 */
export function rateLimit(options: RateLimitOptions = {}): Middleware {
  const limit = options.limit ?? 100;
  const windowMs = options.windowMs ?? 60_000;
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`rateLimit(): limit is a whole number of requests above 0, not ${limit}.`);
  if (!Number.isInteger(windowMs) || windowMs < 1) throw new TypeError(`rateLimit(): windowMs is a whole number of milliseconds above 0, not ${windowMs}.`);
  const store = options.store ?? new MemoryRateLimitStore();
  if (typeof store?.increment !== "function") throw new TypeError("rateLimit(): store must have increment(key, windowMs).");
  const keyOf = options.key ?? ((request: Request) => request.ip);
  const skip = options.skip;
  const headers = options.headers ?? true;
  const message = options.message ?? "Too many requests; try again later.";
  const policy = `${limit};w=${Math.ceil(windowMs / 1000)}`;
  const quota = (hit: RateLimitHit) => {
    const reset = String(Math.max(0, Math.ceil((hit.resetAt - Date.now()) / 1000)));
    return { "ratelimit-limit": String(limit), "ratelimit-remaining": String(Math.max(0, limit - hit.count)), "ratelimit-reset": reset, "ratelimit-policy": policy };
  };

  return async function rateLimitMiddleware(request, next) {
    if (skip?.(request) === true) return next();
    const key = (await keyOf(request)) ?? "";
    const hit = await store.increment(String(key), windowMs);
    if (typeof hit?.count !== "number" || typeof hit.resetAt !== "number" || Number.isNaN(hit.count) || Number.isNaN(hit.resetAt)) {
      throw new TypeError(`rateLimit(): the store's increment() returned ${JSON.stringify(hit)}, not { count, resetAt } as numbers.`);
    }
    const values = headers ? quota(hit) : undefined;
    if (hit.count > limit) {
      const retryAfter = String(Math.max(1, Math.ceil((hit.resetAt - Date.now()) / 1000)));
      throw new TooManyRequests(message, { headers: { ...values, "retry-after": retryAfter } });
    }
    const response = await next();
    if (values !== undefined) for (const name in values) response.headers.set(name, values[name as keyof typeof values]);
    return response;
  };
}
