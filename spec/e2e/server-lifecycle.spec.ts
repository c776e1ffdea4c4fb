/**
 * Lifecycle over real sockets: graceful close with requests in
 * flight, idle keep-alive connections, the force-close timeout, startup and
 * shutdown hooks, `listen({ signal })`, the request id and the access log.
 */
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Agent, request } from "undici";
import { Application, type AccessRecord, type Request } from "../../lib/index.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quiet = { error() {}, info() {} };

let app: Application | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  await app?.close({ timeout: 100 });
  await agent?.destroy();
  app = undefined;
  agent = undefined;
});

function base(): string {
  return `http://127.0.0.1:${app!.address!.port}`;
}

/** Open a raw connection; resolves once connected, or rejects with the socket error (ECONNREFUSED). */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Send one keep-alive request on `socket` and resolve with the raw response once it has arrived whole. */
function exchange(socket: Socket, path: string): Promise<string> {
  return new Promise((resolve) => {
    let data = "";
    const onData = (chunk: Buffer) => {
      data += chunk.toString("latin1");
      const end = data.indexOf("\r\n\r\n");
      const length = /content-length: (\d+)/i.exec(data);
      if (end !== -1 && length && data.length >= end + 4 + Number(length[1])) {
        socket.off("data", onData);
        resolve(data);
      }
    };
    socket.on("data", onData);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  });
}

describe("app.close()", () => {
  it("lets 50 slow in-flight requests finish with 200, refuses new connections, then resolves", async () => {
    let arrived = 0;
    let allArrived!: () => void;
    const everyoneIn = new Promise<void>((resolve) => (allArrived = resolve));
    app = new Application([], { logger: quiet });
    app.route("/slow")(async () => {
      if (++arrived === 50) allArrived();
      await sleep(400);
      return "done";
    });
    await app.listen(0, "127.0.0.1");
    const port = app.address!.port;
    agent = new Agent({ connections: 60 });
    const responses = Array.from({ length: 50 }, () =>
      request(`${base()}/slow`, { dispatcher: agent }).then(async (res) => ({ status: res.statusCode, connection: res.headers.connection, body: await res.body.text() })),
    );
    await everyoneIn;

    let closed = false;
    const closing = app.close({ timeout: 5_000 }).then(() => (closed = true));
    await expect(open(port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(closed).toBe(false);

    const results = await Promise.all(responses);
    expect(results).toHaveLength(50);
    for (const result of results) expect(result).toEqual({ status: 200, connection: "close", body: "done" });
    await closing;
    expect(closed).toBe(true);
    expect(app.address).toBeUndefined();
  });

  it("closes idle keep-alive connections at once instead of waiting for keepAliveTimeout", async () => {
    app = new Application([], { logger: quiet, keepAliveTimeout: 30_000 });
    app.route("/")(() => "hi");
    await app.listen(0, "127.0.0.1");
    const socket = await open(app.address!.port);
    const response = await exchange(socket, "/");
    expect(response.startsWith("HTTP/1.1 200 OK\r\n")).toBe(true);
    expect(response).toMatch(/\r\nconnection: keep-alive\r\n/i);
    const socketClosed = new Promise((resolve) => socket.once("close", resolve));

    const started = Date.now();
    await app.close({ timeout: 10_000 });
    await socketClosed;
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("cuts a request still running after the timeout, and resolves", async () => {
    app = new Application([], { logger: quiet });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    app.route("/forever")(async () => {
      entered();
      await sleep(10_000);
      return "too late";
    });
    await app.listen(0, "127.0.0.1");
    const pending = request(`${base()}/forever`).then(
      () => "answered",
      (error: Error & { code?: string }) => error.code,
    );
    await inside;
    const started = Date.now();
    await app.close({ timeout: 200 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(2_000);
    expect(await pending).toBe("UND_ERR_SOCKET");
  });

  it("is idempotent: a second close() returns the same drain", async () => {
    app = new Application([], { logger: quiet });
    await app.listen(0, "127.0.0.1");
    const first = app.close();
    const second = app.close();
    await Promise.all([first, second]);
    await expect(app.close()).resolves.toBeUndefined();
  });
});

describe("startup and shutdown hooks", () => {
  it("runs startup hooks in order before listening and shutdown hooks in reverse after the drain", async () => {
    const events: string[] = [];
    app = new Application([], { logger: quiet });
    app.route("/")(() => "ok");
    app.onStartup(async (a) => {
      await sleep(10);
      events.push(`open pool (listening: ${a.address !== undefined})`);
      a.registry.set("pool", "the pool");
    });
    app.onStartup(() => void events.push("open cache"));
    app.onShutdown(() => void events.push("close pool"));
    app.onShutdown(async () => {
      await sleep(10);
      events.push("close cache");
    });
    await app.listen(0, "127.0.0.1");
    events.push("listening");
    expect(app.registry.get("pool")).toBe("the pool");
    const res = await request(`${base()}/`);
    expect(await res.body.text()).toBe("ok");
    await app.close();
    expect(events).toEqual(["open pool (listening: false)", "open cache", "listening", "close cache", "close pool"]);
  });

  it("rejects listen() when a startup hook throws, runs the shutdown hooks, and can listen again", async () => {
    const events: string[] = [];
    app = new Application([], { logger: quiet });
    let fail = true;
    app.onStartup(() => {
      if (fail) throw new Error("database unreachable");
    });
    app.onShutdown(() => void events.push("shutdown"));
    await expect(app.listen(0, "127.0.0.1")).rejects.toThrow("database unreachable");
    expect(app.address).toBeUndefined();
    expect(events).toEqual(["shutdown"]);
    fail = false;
    await app.listen(0, "127.0.0.1");
    expect(app.address!.port).toBeGreaterThan(0);
  });

  it("rejects listen() on a port in use and runs the shutdown hooks", async () => {
    const holder = new Application([], { logger: quiet });
    await holder.listen(0, "127.0.0.1");
    const events: string[] = [];
    app = new Application([], { logger: quiet });
    app.onShutdown(() => void events.push("shutdown"));
    await expect(app.listen({ port: holder.address!.port, host: "127.0.0.1" })).rejects.toMatchObject({ code: "EADDRINUSE" });
    expect(events).toEqual(["shutdown"]);
    await holder.close();
  });

  it("rejects listen() when close() is called during startup, and runs the shutdown hooks once", async () => {
    const events: string[] = [];
    app = new Application([], { logger: quiet });
    app.onStartup(async () => {
      await sleep(50);
      events.push("started");
    });
    app.onShutdown(() => void events.push("shutdown"));
    const listening = app.listen(0, "127.0.0.1");
    const closed = app.close();
    await expect(listening).rejects.toThrow("The application was closed while it was starting.");
    await closed;
    expect(events).toEqual(["shutdown", "started"]);
    expect(app.address).toBeUndefined();
  });

  it("logs a failing shutdown hook and still runs the others", async () => {
    const errors: unknown[][] = [];
    const events: string[] = [];
    app = new Application([], { logger: { error: (...args: unknown[]) => errors.push(args) } });
    app.onShutdown(() => void events.push("second"));
    app.onShutdown(() => {
      throw new Error("pool already gone");
    });
    await app.listen(0, "127.0.0.1");
    await app.close();
    expect(events).toEqual(["second"]);
    expect(errors).toHaveLength(1);
    expect(errors[0]![0]).toBe("a shutdown hook failed");
    expect((errors[0]![1] as Error).message).toBe("pool already gone");
  });
});

describe("app.listen({ ... })", () => {
  it("takes port and host as an object and closes gracefully when its signal aborts", async () => {
    const events: string[] = [];
    app = new Application([], { logger: quiet });
    app.onShutdown(() => void events.push("shutdown"));
    const controller = new AbortController();
    const server = await app.listen({ port: 0, host: "127.0.0.1", signal: controller.signal });
    expect(server.listening).toBe(true);
    const port = app.address!.port;
    controller.abort();
    await new Promise((resolve) => server.once("close", resolve));
    await sleep(10);
    expect(events).toEqual(["shutdown"]);
    await expect(open(port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("refuses an already aborted signal and a second listen()", async () => {
    app = new Application([], { logger: quiet });
    await expect(app.listen({ port: 0, signal: AbortSignal.abort(new Error("stop")) })).rejects.toThrow("stop");
    await app.listen(0, "127.0.0.1");
    await expect(app.listen(0, "127.0.0.1")).rejects.toThrow("This application is already listening; close() it first.");
  });
});

describe("request.id and the access log", () => {
  it("logs one text line per request with method, path, status, bytes, duration and id", async () => {
    const lines: string[] = [];
    app = new Application([], { accessLog: true, logger: { error() {}, info: (line: string) => lines.push(line) } });
    app.route("/users/:id")((request: Request) => `user ${request.routeKwargs.id} (${request.id})`);
    await app.listen(0, "127.0.0.1");
    const res = await request(`${base()}/users/7?secret=1`);
    const body = await res.body.text();
    await sleep(20);
    const id = /\((.+)\)$/.exec(body)![1]!;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(lines).toHaveLength(1);
    const match = /^GET \/users\/7 200 (\d+) ([\d.]+)ms (.+)$/.exec(lines[0]!);
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBe(Buffer.byteLength(body));
    expect(match![3]).toBe(id);
  });

  it("gives each request its own id, and honours X-Request-Id only behind a trusted proxy", async () => {
    const records: AccessRecord[] = [];
    app = new Application([], { trustProxy: true, accessLog: (record) => records.push(record), logger: quiet });
    app.route("/")((request: Request) => request.id);
    await app.listen(0, "127.0.0.1");
    const upstream = await request(`${base()}/`, { headers: { "x-request-id": "lb-1234" } });
    expect(await upstream.body.text()).toBe("lb-1234");
    const forged = await request(`${base()}/`, { headers: { "x-request-id": "bad id\twith spaces" } });
    const generated = await forged.body.text();
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    await sleep(20);
    expect(records.map((r) => r.id)).toEqual(["lb-1234", generated]);
    await app.close();

    const untrusted = new Application([], { logger: quiet });
    untrusted.route("/")((request: Request) => request.id);
    await untrusted.listen(0, "127.0.0.1");
    const res = await request(`http://127.0.0.1:${untrusted.address!.port}/`, { headers: { "x-request-id": "lb-1234" } });
    expect(await res.body.text()).toMatch(/^[0-9a-f-]{36}$/);
    await untrusted.close();
  });

  it("writes JSON records, counts streamed bytes, and logs 0 body bytes for HEAD", async () => {
    const lines: string[] = [];
    app = new Application([], { accessLog: "json", logger: { error() {}, info: (line: string) => lines.push(line) } });
    app.route("/stream")(function* () {
      yield "héllo ";
      yield "world";
    });
    app.route("/text")(() => "twelve bytes");
    await app.listen(0, "127.0.0.1");
    const streamed = await request(`${base()}/stream`);
    expect(await streamed.body.text()).toBe("héllo world");
    const head = await request(`${base()}/text`, { method: "HEAD" });
    await head.body.text();
    const missing = await request(`${base()}/nope`);
    await missing.body.text();
    await sleep(20);
    const records = lines.map((line) => JSON.parse(line) as AccessRecord);
    expect(records.map(({ method, path, status, bytes }) => ({ method, path, status, bytes }))).toEqual([
      { method: "GET", path: "/stream", status: 200, bytes: 12 },
      { method: "HEAD", path: "/text", status: 200, bytes: 0 },
      { method: "GET", path: "/nope", status: 404, bytes: Number(missing.headers["content-length"]) },
    ]);
    for (const record of records) {
      expect(typeof record.duration).toBe("number");
      expect(new Date(record.time).toISOString()).toBe(record.time);
    }
  });

  it("writes nothing when the access log is off", async () => {
    const lines: unknown[] = [];
    app = new Application([], { logger: { error() {}, info: (line: unknown) => lines.push(line) } });
    app.route("/")(() => "ok");
    await app.listen(0, "127.0.0.1");
    await (await request(`${base()}/`)).body.text();
    await sleep(20);
    expect(lines).toEqual([]);
  });
});
