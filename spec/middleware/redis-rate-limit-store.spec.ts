/**
 * The Redis rate-limit store against a real redis-server (started by the
 * spec, skipped with the reason when it is not installed): one count for
 * every store on the server, the window kept by Redis's TTL.
 */
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Application, rateLimit, RedisRateLimitStore, Request } from "../../lib/index.js";
import { NO_REDIS, redisServerPath, startRedis, type RedisServer } from "../support/redis-server.js";

const available = redisServerPath() !== undefined;
if (!available) it.skip(NO_REDIS, () => {});

describe.skipIf(!available)("RedisRateLimitStore on a real redis-server", () => {
  let server: RedisServer;
  let clients: ReturnType<typeof createClient>[];

  beforeAll(async () => {
    server = await startRedis();
    // Two clients, as two instances of an app would have.
    clients = [createClient({ url: server.url }), createClient({ url: server.url })];
    for (const client of clients) await client.connect();
  });

  afterAll(async () => {
    for (const client of clients ?? []) await client.quit();
    await server?.stop();
  });

  it("shares one count between two stores on one server", async () => {
    const [a, b] = clients.map((client) => new RedisRateLimitStore({ client })) as [RedisRateLimitStore, RedisRateLimitStore];
    const counts = [];
    for (const store of [a, b, a, b, b]) counts.push((await store.increment("client-1", 60_000)).count);
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    expect((await a.increment("client-2", 60_000)).count).toBe(1);
  });

  it("lets Redis end the window: the key has the window as its TTL, and the count starts again after it", async () => {
    const store = new RedisRateLimitStore({ client: clients[0]!, prefix: "rl:" });
    const before = Date.now();
    const hit = await store.increment("k", 150);
    expect(hit.count).toBe(1);
    expect(hit.resetAt).toBeGreaterThanOrEqual(before + 100);
    expect(hit.resetAt).toBeLessThanOrEqual(Date.now() + 150);
    const ttl = await clients[0]!.pTTL("rl:k");
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(150);
    expect((await store.increment("k", 150)).count).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await clients[0]!.exists("rl:k")).toBe(0);
    expect((await store.increment("k", 150)).count).toBe(1);
  });

  it("gives a key that lost its expiry one again, so no count lives forever", async () => {
    await clients[0]!.set("ratelimit:stuck", "7");
    const hit = await new RedisRateLimitStore({ client: clients[1]! }).increment("stuck", 60_000);
    expect(hit.count).toBe(8);
    expect(await clients[0]!.pTTL("ratelimit:stuck")).toBeGreaterThan(59_000);
  });

  it("gives rateLimit() one limit across two app instances", async () => {
    const apps = clients.map((client) => {
      const app = new Application([["/", () => "ok"]]);
      app.use(rateLimit({ limit: 3, windowMs: 60_000, store: new RedisRateLimitStore({ client, prefix: "shared:" }) }));
      return app;
    });
    const statuses: number[] = [];
    for (const app of [apps[0]!, apps[1]!, apps[0]!, apps[1]!]) statuses.push((await app.getResponse(Request.blank("/", { remoteAddress: "192.0.2.7" }))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const other = await apps[1]!.getResponse(Request.blank("/", { remoteAddress: "192.0.2.8" }));
    expect(other.headers.get("ratelimit-remaining")).toBe("2");
  });
});
