/**
 * The Redis session store against a real redis-server (started by the
 * spec, skipped with the reason when it is not installed): keys under the
 * prefix, TTL kept by Redis, shared between app instances, over sockets.
 */
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Application, RedisStore, sessions, type Request } from "../../lib/index.js";
import { visitor } from "../support/cookie-jar.js";
import { NO_REDIS, redisServerPath, startRedis, type RedisServer } from "../support/redis-server.js";

const available = redisServerPath() !== undefined;
if (!available) it.skip(NO_REDIS, () => {});

describe.skipIf(!available)("RedisStore on a real redis-server", () => {
  let server: RedisServer;
  let client: ReturnType<typeof createClient>;
  const apps: Application[] = [];
  const bases: string[] = [];

  beforeAll(async () => {
    server = await startRedis();
    client = createClient({ url: server.url });
    await client.connect();
    // Two instances of one app, sharing nothing but Redis.
    for (let i = 0; i < 2; i++) {
      const app = new Application([], { secrets: ["r".repeat(32)] });
      app.use(sessions({ store: new RedisStore({ client, prefix: "test:session:" }), idleTimeout: 120 }));
      app.route("/set/:value")(async (request: Request, { value }: { value: string }) => {
        await request.session.set("value", value);
        return `instance ${i}`;
      });
      app.route("/get")(async (request: Request) => ({ instance: i, value: (await request.session.get("value")) ?? null }));
      app.route("/destroy")(async (request: Request) => void (await request.session.destroy()));
      const node = await app.listen(0, "127.0.0.1");
      apps.push(app);
      bases.push(`http://127.0.0.1:${(node.address() as { port: number }).port}`);
    }
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await client?.quit();
    await server?.stop();
  });

  it("keeps the session under the prefix with the idle timeout as Redis's TTL, and only an id in the cookie", async () => {
    const visit = visitor(bases[0]!);
    expect((await visit("/set/blue")).body).toBe("instance 0");
    const keys = await client.keys("test:session:*");
    expect(keys).toHaveLength(1);
    const ttl = await client.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(110);
    expect(ttl).toBeLessThanOrEqual(120);
    expect(JSON.parse((await client.get(keys[0]!))!)).toMatchObject({ data: { value: "blue" } });
    const id = Buffer.from(visit.jar.cookies.get("session")!.split(".")[0]!, "base64url").toString();
    expect(`test:session:${id}`).toBe(keys[0]);
    await visit("/destroy");
  });

  it("serves one session from two instances, and destroy() removes the key", async () => {
    const first = visitor(bases[0]!);
    await first("/set/green");
    const second = visitor(bases[1]!, first.jar);
    expect(JSON.parse((await second("/get")).body)).toEqual({ instance: 1, value: "green" });
    await second("/set/red");
    expect(JSON.parse((await first("/get")).body)).toEqual({ instance: 0, value: "red" });
    await first("/destroy");
    expect(await client.keys("test:session:*")).toEqual([]);
    expect(JSON.parse((await second("/get")).body)).toEqual({ instance: 1, value: null });
  });

  it("loses the session when Redis expires it, whatever the cookie says", async () => {
    const visit = visitor(bases[0]!);
    await visit("/set/gone");
    const [key] = await client.keys("test:session:*");
    await client.pExpire(key!, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(JSON.parse((await visit("/get")).body)).toEqual({ instance: 0, value: null });
  });

  it("touches with EXPIRE, and works through an ioredis-shaped client (call)", async () => {
    const commands: string[][] = [];
    const ioredisLike = { call: (command: string, ...args: string[]) => (commands.push([command, ...args]), client.sendCommand([command, ...args])) };
    const store = new RedisStore({ client: ioredisLike, prefix: "io:" });
    await store.set("abc", { data: { a: 1 }, created: 5 }, 30);
    expect(await store.get("abc")).toEqual({ data: { a: 1 }, created: 5 });
    await store.touch("abc", 90);
    expect(await client.ttl("io:abc")).toBeGreaterThan(80);
    await store.destroy("abc");
    expect(await store.get("abc")).toBeUndefined();
    expect(commands.map(([command]) => command)).toEqual(["SET", "GET", "EXPIRE", "DEL", "GET"]);
    expect(commands[0]).toEqual(["SET", "io:abc", '{"data":{"a":1},"created":5}', "EX", "30"]);
  });
});
