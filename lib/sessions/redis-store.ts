/**
 * Sessions in Redis, through the application's own client: shared by every
 * instance, with their lifetime kept by Redis itself.
 */
import { redisCommand, type RedisClient, type RedisCommand } from "../extras/redis-client.js";
import { parseSessionRecord, type SessionRecord, type SessionStore } from "./session-store.js";

/** Options of `new RedisStore()`. */
export interface RedisStoreOptions {
  /** A connected node-redis or ioredis client, or a function running one command (see `RedisClient`). */
  client: RedisClient;
  /** Put before every session id to make its key (`"session:"`), so sessions share a database with other data. */
  prefix?: string;
}

/**
 * A session store on Redis: each session one string key (`prefix` + id)
 * holding its JSON, set with `EX` so that Redis drops it after the idle
 * timeout; an unchanged session's life is extended with `EXPIRE`. The
 * client is the application's, connected and closed by it.
 *
 * @example
 * import { createClient } from "redis";
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * app.use(sessions({ store: new RedisStore({ client, prefix: "myapp:session:" }) }));
 */
export class RedisStore implements SessionStore {
  readonly prefix: string;
  readonly #run: RedisCommand;

  constructor(options: RedisStoreOptions) {
    this.#run = redisCommand(options.client);
    this.prefix = options.prefix ?? "session:";
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const json = await this.#run(["GET", this.prefix + id]);
    return parseSessionRecord(typeof json === "string" ? json : Buffer.isBuffer(json) ? json.toString() : undefined);
  }

  async set(id: string, record: SessionRecord, ttlSeconds: number): Promise<void> {
    await this.#run(["SET", this.prefix + id, JSON.stringify(record), "EX", String(seconds(ttlSeconds))]);
  }

  async destroy(id: string): Promise<void> {
    await this.#run(["DEL", this.prefix + id]);
  }

  async touch(id: string, ttlSeconds: number): Promise<void> {
    await this.#run(["EXPIRE", this.prefix + id, String(seconds(ttlSeconds))]);
  }
}

// Redis takes whole seconds, at least one.
function seconds(ttl: number): number {
  return Math.max(1, Math.ceil(ttl));
}
