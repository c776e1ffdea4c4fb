/**
 * rateLimit(): a fixed window per key, the draft RateLimit-* headers and
 * Retry-After on the 429, the in-memory store bounded under a key flood,
 * pluggable stores.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Application, MemoryRateLimitStore, rateLimit, Request, Route, type RateLimitOptions, type RateLimitStore } from "../../lib/index.js";
import { overSocket } from "../support/listening.js";

function appWith(options: RateLimitOptions, appOptions: ConstructorParameters<typeof Application>[1] = {}) {
  const logged: unknown[][] = [];
  const app = new Application([["/", () => "ok"], ["/health", () => "up"]], { ...appOptions, logger: { error: (...args: unknown[]) => logged.push(args) } });
  app.use(rateLimit(options));
  return { app, logged };
}
const from = (ip: string, init: { headers?: Record<string, string> } = {}) => Request.blank("/", { ...init, remoteAddress: ip });

afterEach(() => {
  vi.useRealTimers();
});

describe("rateLimit()", () => {
  it("counts per client address, sends the draft headers, and answers 429 with Retry-After past the limit", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 1_000_000 });
    const { app, logged } = appWith({ limit: 2, windowMs: 10_000 });
    const first = await app.getResponse(from("10.0.0.1"));
    expect(first.status).toBe(200);
    expect(Object.fromEntries([...first.headers].filter(([name]) => name.startsWith("ratelimit")))).toEqual({
      "ratelimit-limit": "2",
      "ratelimit-remaining": "1",
      "ratelimit-reset": "10",
      "ratelimit-policy": "2;w=10",
    });
    vi.setSystemTime(1_004_500);
    expect((await app.getResponse(from("10.0.0.1"))).headers.get("ratelimit-remaining")).toBe("0");
    const refused = await app.getResponse(from("10.0.0.1", { headers: { accept: "application/json" } }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("6");
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(refused.headers.get("ratelimit-reset")).toBe("6");
    expect(await refused.json()).toEqual({ error: 429, message: "Too many requests; try again later." });
    // Another client has its own count.
    expect((await app.getResponse(from("10.0.0.2"))).status).toBe(200);
    // The window ends: counting starts again.
    vi.setSystemTime(1_010_000);
    expect((await app.getResponse(from("10.0.0.1"))).headers.get("ratelimit-remaining")).toBe("1");
    expect(logged).toEqual([]);
  });

  it("honours trustProxy for the client address, and only then", async () => {
    const behind = appWith({ limit: 1 }, { trustProxy: true }).app;
    const forwarded = (xff: string) => behind.getResponse(from("127.0.0.1", { headers: { "x-forwarded-for": xff } }));
    expect((await forwarded("203.0.113.9")).status).toBe(200);
    expect((await forwarded("203.0.113.9")).status).toBe(429);
    expect((await forwarded("198.51.100.1")).status).toBe(200);
    // A client cannot pick its key by forging the header when the proxy is not trusted.
    const direct = appWith({ limit: 1 }).app;
    expect((await direct.getResponse(from("127.0.0.1", { headers: { "x-forwarded-for": "1.1.1.1" } }))).status).toBe(200);
    expect((await direct.getResponse(from("127.0.0.1", { headers: { "x-forwarded-for": "2.2.2.2" } }))).status).toBe(429);
  });

  it("takes a key function, skip, a message, and headers: false", async () => {
    const { app } = appWith({ limit: 1, key: async (request) => request.headers.get("x-api-key"), skip: (request) => request.path === "/health", message: "Slow down.", headers: false });
    const withKey = (key: string, path = "/") => app.getResponse(path, { headers: { "x-api-key": key, accept: "application/json" } });
    expect((await withKey("a")).headers.has("ratelimit-limit")).toBe(false);
    const refused = await withKey("a");
    expect(refused.status).toBe(429);
    expect(refused.headers.has("ratelimit-limit")).toBe(false);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(await refused.json()).toEqual({ error: 429, message: "Slow down." });
    expect((await withKey("b")).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await withKey("a", "/health")).status).toBe(200);
  });

  it("runs as route middleware around one route only", async () => {
    const app = new Application([new Route("/login", () => "login", { middleware: [rateLimit({ limit: 1 })] }), ["/", () => "home"]]);
    expect((await app.getResponse(from("10.1.1.1"))).status).toBe(200);
    expect((await app.getResponse(Request.blank("/login", { remoteAddress: "10.1.1.1" }))).status).toBe(200);
    expect((await app.getResponse(Request.blank("/login", { remoteAddress: "10.1.1.1" }))).status).toBe(429);
    expect((await app.getResponse(from("10.1.1.1"))).status).toBe(200);
  });

  it("uses a store through its interface, sync or async; a failing or broken store is a logged 500", async () => {
    const calls: [string, number][] = [];
    const store: RateLimitStore = {
      increment: async (key, windowMs) => {
        calls.push([key, windowMs]);
        return { count: 7, resetAt: Date.now() + 30_000 };
      },
    };
    const { app } = appWith({ limit: 5, windowMs: 30_000, store });
    const res = await app.getResponse(from("10.0.0.9"));
    expect(res.status).toBe(429);
    expect(calls).toEqual([["10.0.0.9", 30_000]]);
    const failing = appWith({ store: { increment: () => Promise.reject(new Error("redis is down")) } });
    expect((await failing.app.getResponse(from("10.0.0.9"))).status).toBe(500);
    expect(String(failing.logged[0]![1])).toBe("Error: redis is down");
    const broken = appWith({ store: { increment: () => ({ count: "1" }) as never } });
    expect((await broken.app.getResponse(from("10.0.0.9"))).status).toBe(500);
    expect(String(broken.logged[0]![1])).toContain("the store's increment() returned {\"count\":\"1\"}");
  });

  it("refuses options that cannot work, when it is made", () => {
    expect(() => rateLimit({ limit: 0 })).toThrow("rateLimit(): limit is a whole number of requests above 0, not 0.");
    expect(() => rateLimit({ limit: 1.5 })).toThrow("limit is a whole number");
    expect(() => rateLimit({ windowMs: -1 })).toThrow("windowMs is a whole number of milliseconds above 0");
    expect(() => rateLimit({ store: {} as never })).toThrow("store must have increment(key, windowMs).");
  });
});

describe("MemoryRateLimitStore", () => {
  it("counts in a window from the key's first request, then starts again", () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 5_000 });
    const store = new MemoryRateLimitStore();
    expect(store.increment("k", 1000)).toEqual({ count: 1, resetAt: 6_000 });
    expect(store.increment("k", 1000)).toEqual({ count: 2, resetAt: 6_000 });
    vi.setSystemTime(6_000);
    expect(store.increment("k", 1000)).toEqual({ count: 1, resetAt: 7_000 });
    store.reset("k");
    expect(store.increment("k", 1000)).toEqual({ count: 1, resetAt: 7_000 });
  });

  it("drops expired keys as requests come, so the store shrinks back after a flood", () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 0 });
    const store = new MemoryRateLimitStore();
    for (let i = 0; i < 10_000; i++) store.increment(`flood-${i}`, 1000);
    expect(store.size).toBe(10_000);
    vi.setSystemTime(2_000);
    for (let i = 0; i < 5_000; i++) store.increment("steady", 1000);
    // Each call drops a few expired keys: after 5,000 calls, about 20,000 could go.
    expect(store.size).toBe(1);
  });

  it("never holds more than maxKeys: a flood of distinct keys evicts the oldest", () => {
    const store = new MemoryRateLimitStore({ maxKeys: 1000 });
    for (let i = 0; i < 200_000; i++) store.increment(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, 60_000);
    expect(store.size).toBe(1000);
    expect(() => new MemoryRateLimitStore({ maxKeys: 0 })).toThrow("maxKeys is a whole number above 0");
  });

  it("keeps the limiter working through a key flood over a socket", async () => {
    const store = new MemoryRateLimitStore({ maxKeys: 100 });
    const app = new Application([["/", () => "ok"]]);
    app.use(rateLimit({ limit: 3, store, key: (request) => request.headers.get("x-client") }));
    await overSocket(app, async (fetch) => {
      const flood = await Promise.all(Array.from({ length: 300 }, (_, i) => fetch("/", { headers: { "x-client": `c${i}` } })));
      expect(flood.every((res) => res.status === 200)).toBe(true);
      expect(store.size).toBe(100);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch("/", { headers: { "x-client": "me" } })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await fetch("/", { headers: { "x-client": "me" } });
      expect(refused.headers["retry-after"]).toBe("60");
      expect(refused.headers["ratelimit-limit"]).toBe("3");
      expect(refused.headers["ratelimit-remaining"]).toBe("0");
    });
  });
});
