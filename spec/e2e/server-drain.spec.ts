/**
 * close({ drainDelay }) over real sockets, and app.run() reading
 * SHUTDOWN_DRAIN_MS: readiness fails at once, the app keeps serving for the
 * delay (so a load balancer can notice and stop sending work), then drains
 * and stops as it always did.
 */
import { connect, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { Application } from "../../lib/index.js";
import { serve, type Served } from "./fixtures/child.js";
import { compileLib, type CompiledLib } from "./fixtures/compile-lib.js";
import { fetchResult } from "../support/socket-client.js";

const quiet = { error() {}, info() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

describe("app.close({ drainDelay })", () => {
  let app: Application | undefined;
  afterEach(async () => {
    await app?.close({ timeout: 100 });
    app = undefined;
  });

  it("keeps accepting and serving for the delay, with Connection: close and readiness 503, then refuses new connections", async () => {
    app = new Application([], { logger: quiet }).health();
    app.route("/")(() => "served");
    await app.listen(0, "127.0.0.1");
    const port = app.address!.port;
    const base = `http://127.0.0.1:${port}`;
    let resolved = false;
    const closed = app.close({ drainDelay: 500 }).then(() => (resolved = true));

    // During the delay: a new connection is accepted and served, readiness says draining.
    const during = await fetchResult(`${base}/`);
    expect({ status: during.status, body: during.body, connection: during.headers.connection }).toEqual({ status: 200, body: "served", connection: "close" });
    expect((await fetchResult(`${base}/readyz`)).body).toBe('{"status":"draining"}');
    expect(app.address?.port).toBe(port);
    expect(resolved).toBe(false);

    await closed;
    await expect(open(port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(app.address).toBeUndefined();
  });

  it("lets a request that is in flight when the delay ends finish, as close() always did", async () => {
    app = new Application([], { logger: quiet });
    app.route("/slow")(async () => {
      await sleep(400);
      return "slow done";
    });
    await app.listen(0, "127.0.0.1");
    const base = `http://127.0.0.1:${app.address!.port}`;
    const closed = app.close({ drainDelay: 200, timeout: 5_000 });
    await sleep(50);
    const slow = await fetchResult(`${base}/slow`);
    expect({ status: slow.status, body: slow.body }).toEqual({ status: 200, body: "slow done" });
    await closed;
  });

  it("a second close() returns the same promise, and a delay of 0 refuses new connections at once", async () => {
    app = new Application([], { logger: quiet });
    await app.listen(0, "127.0.0.1");
    const port = app.address!.port;
    const first = app.close({ drainDelay: 0 });
    expect(app.close({ drainDelay: 5_000 })).toBe(first);
    await expect(open(port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await first;
  });
});

describe("app.run() with SHUTDOWN_DRAIN_MS", () => {
  let lib: CompiledLib;
  const running: Served[] = [];
  const instance = fileURLToPath(new URL("./fixtures/instance.mjs", import.meta.url));
  beforeAll(() => {
    lib = compileLib();
  });
  afterAll(() => {
    for (const served of running) served.child.kill("SIGKILL");
    lib.remove();
  });

  it("on SIGTERM answers readiness 503 and keeps serving for the delay, then exits 0", async () => {
    const served = serve(lib.index, { PORT: "0", HOST: "127.0.0.1", INSTANCE: "a", SHUTDOWN_DRAIN_MS: "800" }, [instance]);
    running.push(served);
    const [, origin] = await served.waitFor(/handlerkit listening on (http:\/\/127\.0\.0\.1:\d+)\/\n/);
    expect((await fetchResult(`${origin}/readyz`)).status).toBe(200);
    served.child.kill("SIGTERM");
    // The signal arrives asynchronously: wait until readiness says so.
    let ready = await fetchResult(`${origin}/readyz`);
    for (let i = 0; i < 50 && ready.status === 200; i++) {
      await sleep(10);
      ready = await fetchResult(`${origin}/readyz`);
    }
    expect({ status: ready.status, body: ready.body }).toEqual({ status: 503, body: '{"status":"draining"}' });
    const during = await request(`${origin}/`);
    expect(during.statusCode).toBe(200);
    expect(await during.body.json()).toMatchObject({ instance: "a" });
    expect(await served.exited).toEqual({ code: 0, signal: null });
    expect(served.output()).toContain(`shutdown a ${served.child.pid}\n`);
  });

  it("refuses a SHUTDOWN_DRAIN_MS that is not a whole number of milliseconds", async () => {
    const served = serve(lib.index, { PORT: "0", HOST: "127.0.0.1", SHUTDOWN_DRAIN_MS: "5s" }, [instance]);
    running.push(served);
    const { code } = await served.exited;
    expect(code).not.toBe(0);
    expect(served.output()).toContain('SHUTDOWN_DRAIN_MS must be a whole number of milliseconds, not "5s".');
  });
});
