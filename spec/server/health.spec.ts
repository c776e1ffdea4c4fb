/**
 * lib/server/health.ts and app.health(): liveness, readiness with named
 * checks under a timeout, 503 once close() begins, and probes kept out of
 * the access log; in process and over sockets.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Application, type AccessRecord } from "../../lib/index.js";
import { fetchResult } from "../support/socket-client.js";

const quiet = { error() {}, info() {} };

async function probe(app: Application, path: string, method = "GET") {
  const res = await app.getResponse(path, { method });
  return { status: res.status, type: res.headers.get("content-type"), cache: res.headers.get("cache-control"), body: await res.text() };
}

describe("app.health(): liveness", () => {
  it("answers GET /healthz with 200 JSON, no-store, and HEAD with no body", async () => {
    const app = new Application([], { logger: quiet }).health();
    expect(await probe(app, "/healthz")).toEqual({ status: 200, type: "application/json", cache: "no-store", body: '{"status":"ok"}' });
    expect(await probe(app, "/healthz", "HEAD")).toMatchObject({ status: 200, body: "" });
  });

  it("answers other methods with 405 and Allow", async () => {
    const app = new Application([], { logger: quiet }).health();
    const res = await app.getResponse("/healthz", { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });

  it("serves at the paths given", async () => {
    const app = new Application([], { logger: quiet }).health("/live", {}, { readiness: "/ready" });
    expect((await probe(app, "/live")).status).toBe(200);
    expect((await probe(app, "/ready")).body).toBe('{"status":"ok","checks":{}}');
    expect((await probe(app, "/healthz")).status).toBe(404);
    expect((await probe(app, "/readyz")).status).toBe(404);
  });
});

describe("app.health(): readiness", () => {
  it("is 200 with every check named ok when all pass (anything but false is a pass)", async () => {
    const app = new Application([], { logger: quiet }).health("/healthz", { db: async () => undefined, cache: () => "PONG" });
    expect(await probe(app, "/readyz")).toEqual({
      status: 200,
      type: "application/json",
      cache: "no-store",
      body: '{"status":"ok","checks":{"db":"ok","cache":"ok"}}',
    });
  });

  it("is 503 naming the failing checks: a throw, a rejection, false, or the timeout; their errors are logged, not sent", async () => {
    const errors: unknown[][] = [];
    let signal: AbortSignal | undefined;
    const app = new Application([], { logger: { error: (...args: unknown[]) => errors.push(args), info() {} } });
    app.health(
      "/healthz",
      {
        db: () => {
          throw new Error("password=hunter2 refused");
        },
        queue: async () => Promise.reject(new Error("queue down")),
        cache: () => false,
        search: (s) => {
          signal = s;
          return new Promise(() => {});
        },
        disk: () => true,
      },
      { timeout: 30 },
    );
    const res = await probe(app, "/readyz");
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toEqual({
      status: "failing",
      failing: ["db", "queue", "cache", "search"],
      checks: { db: "failed", queue: "failed", cache: "failed", search: "timed out", disk: "ok" },
    });
    expect(res.body).not.toContain("hunter2");
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as DOMException).name).toBe("TimeoutError");
    expect(errors.map(([message]) => message).sort()).toEqual([
      'readiness check "cache" failed',
      'readiness check "db" failed',
      'readiness check "queue" failed',
      'readiness check "search" timed out',
    ]);
    expect(errors.find(([message]) => message === 'readiness check "db" failed')![1]).toMatchObject({ message: "password=hunter2 refused" });
  });

  it("logs a check once when it starts failing and once when it passes again", async () => {
    const lines: string[] = [];
    let up = false;
    const app = new Application([], { logger: { error: (m: string) => lines.push(`error ${m}`), info: (m: string) => lines.push(`info ${m}`) } });
    app.health("/healthz", { db: () => up });
    for (let i = 0; i < 3; i++) expect((await probe(app, "/readyz")).status).toBe(503);
    up = true;
    for (let i = 0; i < 2; i++) expect((await probe(app, "/readyz")).status).toBe(200);
    expect(lines).toEqual(['error readiness check "db" failed', 'info readiness check "db" passes again']);
  });

  it("shares one run among probes that arrive while it is in progress", async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const app = new Application([], { logger: quiet }).health("/healthz", { db: () => (calls++, gate) });
    const probes = [probe(app, "/readyz"), probe(app, "/readyz"), probe(app, "/readyz")];
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    expect((await Promise.all(probes)).map((p) => p.status)).toEqual([200, 200, 200]);
    expect(calls).toBe(1);
    await probe(app, "/readyz");
    expect(calls).toBe(2);
  });

  it("refuses bad arguments with a message saying what is wrong", () => {
    const app = () => new Application([], { logger: quiet });
    expect(() => app().health("healthz")).toThrow('health(): the liveness path must start with "/", not "healthz".');
    expect(() => app().health("/healthz", {}, { readiness: "readyz" })).toThrow('health(): the readiness path must start with "/", not "readyz".');
    expect(() => app().health("/h", {}, { readiness: "/h" })).toThrow('health(): the liveness and readiness paths must differ (both are "/h").');
    expect(() => app().health("/healthz", { db: "select 1" as never })).toThrow('health(): the check "db" must be a function, not string.');
    expect(() => app().health("/healthz", {}, { timeout: 0 })).toThrow("health(): timeout must be a positive number of milliseconds, not 0.");
    const twice = app().health();
    expect(() => twice.health()).toThrow("app.health() was already called; give it every check at once.");
  });
});

describe("app.health() over a socket", () => {
  let app: Application | undefined;
  afterEach(async () => {
    await app?.close({ timeout: 100 });
    app = undefined;
  });

  it("readiness turns 503 draining as soon as close() begins, liveness stays 200, and both are ready again after listen()", async () => {
    let checks = 0;
    app = new Application([], { logger: quiet }).health("/healthz", { db: () => void checks++ });
    await app.listen(0, "127.0.0.1");
    const base = `http://127.0.0.1:${app.address!.port}`;
    expect((await fetchResult(`${base}/readyz`)).status).toBe(200);
    expect(app.closing).toBe(false);
    const closed = app.close({ drainDelay: 300 });
    expect(app.closing).toBe(true);
    const ready = await fetchResult(`${base}/readyz`);
    expect({ status: ready.status, body: ready.body, connection: ready.headers.connection }).toEqual({ status: 503, body: '{"status":"draining"}', connection: "close" });
    expect((await fetchResult(`${base}/healthz`)).status).toBe(200);
    expect(checks).toBe(1); // a draining readiness runs no checks
    await closed;
    await app.listen(0, "127.0.0.1");
    expect(app.closing).toBe(false);
    expect((await fetchResult(`http://127.0.0.1:${app.address!.port}/readyz`)).status).toBe(200);
  });

  it("keeps probes out of the access log unless asked", async () => {
    for (const [accessLog, expected] of [
      [undefined, ["/other"]],
      [true, ["/healthz", "/readyz", "/other"]],
    ] as const) {
      const records: AccessRecord[] = [];
      app = new Application([], { logger: quiet, accessLog: (record) => records.push(record) });
      app.route("/other")(() => "ok");
      app.health("/healthz", {}, { accessLog });
      await app.listen(0, "127.0.0.1");
      const base = `http://127.0.0.1:${app.address!.port}`;
      for (const path of ["/healthz", "/readyz", "/other"]) expect((await fetchResult(`${base}${path}`)).status).toBe(200);
      await app.close({ timeout: 100 });
      expect(records.map((record) => record.path)).toEqual(expected);
    }
  });
});
