/**
 * The send timeout over real sockets: a client that requests a large
 * answer and never reads it is cut off after `sendTimeout` (here 300 ms),
 * and the file being sent is closed; what one such connection buffers is
 * one slice, not the body; a response with nothing to send (an event
 * stream between events) is never cut.
 */
import { readdirSync, rmSync, writeFileSync, mkdtempSync } from "node:fs";
import type { Server } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Application, Response, type ApplicationOptions } from "../../lib/index.js";

const quiet = { error() {}, info() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const openFds = () => readdirSync("/proc/self/fd").length;
const BIG = 16 * 1024 * 1024;

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "handlerkit-send-"));
  writeFileSync(join(dir, "big.bin"), Buffer.alloc(32 * 1024 * 1024, 97));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let app: Application | undefined;
const serverSockets: Socket[] = [];
afterEach(async () => {
  await app?.close({ timeout: 100 });
  app = undefined;
  serverSockets.length = 0;
});

async function serve(options: ApplicationOptions = {}): Promise<number> {
  app = new Application([], { logger: quiet, sendTimeout: 300, connectionsCheckingInterval: 50, ...options });
  app.route("/big")(() => "a".repeat(BIG));
  app.route("/file")(() => Response.file(join(dir, "big.bin")));
  app.route("/events")(() =>
    (async function* () {
      yield "data: one\n\n";
      await sleep(800);
      yield "data: two\n\n";
    })(),
  );
  const server = (await app.listen(0, "127.0.0.1")) as Server;
  server.on("connection", (socket: Socket) => serverSockets.push(socket));
  return app.address!.port;
}

/** Request `path` and never read: resolves when the server closes the connection (or after `ms`). */
function neverRead(port: number, path: string, ms = 4_000): Promise<{ closed: boolean; elapsed: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      socket.pause();
    });
    socket.on("error", () => {});
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, elapsed: Date.now() - started });
    }, ms);
    // A paused socket still hears its peer's reset or FIN as a close once destroyed by it; poll the server side instead.
    const poll = setInterval(() => {
      if (serverSockets.length > 0 && serverSockets.every((s) => s.destroyed)) {
        clearInterval(poll);
        clearTimeout(timer);
        socket.destroy();
        resolve({ closed: true, elapsed: Date.now() - started });
      }
    }, 20);
    socket.once("close", () => clearInterval(poll));
  });
}

describe("sendTimeout", () => {
  it("cuts off a client that never reads a 16 MB answer, and what it holds meanwhile is a slice, not the body", async () => {
    const port = await serve();
    let waiting = 0;
    const watch = setInterval(() => (waiting = Math.max(waiting, ...serverSockets.map((s) => (s.destroyed ? 0 : s.writableLength)))), 10);
    const result = await neverRead(port, "/big");
    clearInterval(watch);
    expect(result.closed).toBe(true);
    expect(result.elapsed).toBeGreaterThanOrEqual(250);
    expect(result.elapsed).toBeLessThan(2_500);
    // One 64 KiB slice in flight, and no more queued behind it.
    expect(waiting).toBeGreaterThan(0);
    expect(waiting).toBeLessThanOrEqual(128 * 1024);
  });

  it("cuts off a client that never reads a 32 MB file, and the file is closed", async () => {
    const port = await serve();
    const before = openFds();
    const result = await neverRead(port, "/file");
    expect(result.closed).toBe(true);
    expect(result.elapsed).toBeLessThan(2_500);
    await sleep(50);
    expect(openFds()).toBeLessThanOrEqual(before);
  });

  it("ten such clients are all cut off, and the server still answers", async () => {
    const port = await serve();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => neverRead(port, i % 2 ? "/file" : "/big")));
    for (const result of results) expect(result.closed).toBe(true);
    const res = await fetch(`http://127.0.0.1:${port}/events`);
    expect(res.status).toBe(200);
  });

  it("never cuts a response with nothing to send: an event stream quiet for longer than the timeout", async () => {
    const port = await serve();
    const res = await fetch(`http://127.0.0.1:${port}/events`);
    expect(await res.text()).toBe("data: one\n\ndata: two\n\n");
  });

  it("0 turns it off: the client that never reads is not cut", async () => {
    const port = await serve({ sendTimeout: 0 });
    const result = await neverRead(port, "/big", 1_000);
    expect(result.closed).toBe(false);
  });
});
