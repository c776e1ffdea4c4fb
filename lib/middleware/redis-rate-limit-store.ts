/**
 * A rate-limit store on Redis, so that every instance of an application
 * counts against one limit.
 */
import { redisCommand, type RedisClient, type RedisCommand } from "../extras/redis-client.js";
import type { RateLimitHit, RateLimitStore } from "./rate-limit-store.js";

/** Options of `new RedisRateLimitStore()`. */
export interface RedisRateLimitStoreOptions {
  /** A connected node-redis or ioredis client, or a function running one command (see `RedisClient`). */
  client: RedisClient;
  /** Put before every rate-limit key (`"ratelimit:"`). */
  prefix?: string;
}

// One round trip, atomic: count, and start the window's expiry on its
// first request (or on a key that somehow has none, so none lives forever).
const INCREMENT = `local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

/**
 * Counts requests in Redis: a key per client (`prefix` + key), incremented
 * by a Lua script that sets its expiry in the same step, so the window is
 * kept by Redis's clock and instances on several machines share one count.
 * The client is the application's, connected and closed by it.
 *
 * @example
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * app.use(rateLimit({ limit: 100, windowMs: 60_000, store: new RedisRateLimitStore({ client }) }));
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly prefix: string;
  readonly #run: RedisCommand;

  constructor(options: RedisRateLimitStoreOptions) {
    this.#run = redisCommand(options.client);
    this.prefix = options.prefix ?? "ratelimit:";
  }

  async increment(key: string, windowMs: number): Promise<RateLimitHit> {
    const window = Math.max(1, Math.ceil(windowMs));
    const reply = await this.#run(["EVAL", INCREMENT, "1", this.prefix + key, String(window)]);
    if (!Array.isArray(reply) || reply.length !== 2) throw new Error(`Redis answered the rate-limit script with ${JSON.stringify(reply)}, not [count, ttl].`);
    return { count: Number(reply[0]), resetAt: Date.now() + Number(reply[1]) };
  }
}
