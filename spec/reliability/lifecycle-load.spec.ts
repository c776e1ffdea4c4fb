/**
 * Lifecycle and load over raw sockets, with the five invariants:
 * a graceful shutdown with 50 keep-alive connections mid-request, slowloris
 * clients cut off while others are served, and 1,000 concurrent keep-alive
 * connections. (spec/e2e/server-lifecycle.spec.ts covers the same shutdown
 * through undici; this one speaks raw HTTP/1.1 and checks every socket.)
 */
import { describe, expect, it } from "vitest";
import { connect, type Socket } from "node:net";
import type { Request } from "../../lib/index.js";
import { get, open, ResponseReader, startTarget, targets } from "../support/attack-harness.js";
import { attackApp } from "../support/attack-app.js";

const start = targets();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("graceful shutdown", () => {
  it("50 in-flight requests on keep-alive connections all complete with Connection: close; new connections are refused", async () => {
    let arrived = 0;
    let everyoneIn!: () => void;
    const allIn = new Promise<void>((resolve) => (everyoneIn = resolve));
    // Not through targets(): this test closes the app itself.
    const target = await startTarget((logger) => {
      const app = attackApp(logger);
      app.route("/in-flight")(async () => {
        if (++arrived === 50) everyoneIn();
        await sleep(300);
        return "finished";
      });
      return app;
    });
    const sockets = await Promise.all(Array.from({ length: 50 }, () => open(target.port)));
    const readers = sockets.map((socket) => new ResponseReader(socket));
    // Each connection has served one request already: it is a keep-alive connection.
    for (const socket of sockets) socket.write(get("/health"));
    for (const [answer] of await Promise.all(readers.map((reader) => reader.next(1, 2_000)))) expect(answer?.status).toBe(200);
    for (const socket of sockets) socket.write(get("/in-flight"));
    await allIn;

    const closing = target.app.close({ timeout: 5_000 });
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(target.port, "127.0.0.1", () => resolve("connected"));
      socket.on("error", (error: Error & { code?: string }) => resolve(error.code ?? "error"));
    });
    expect(refused).toBe("ECONNREFUSED");

    const answers = await Promise.all(readers.map((reader) => reader.next(1, 3_000)));
    for (const [answer] of answers) {
      expect(answer?.status).toBe(200);
      expect(answer?.body).toBe("finished");
      expect(answer?.headers.connection).toBe("close");
    }
    await closing;
    await target.close();
    // Every connection was closed by the server after its last answer.
    await Promise.all(readers.map(async (reader) => (reader.closed ? undefined : await reader.next(1, 1_000))));
    expect(readers.every((reader) => reader.closed && reader.leftover === "")).toBe(true);
    await target.checkLeaks();
  });
});

describe("slow clients", () => {
  it("40 slowloris connections dripping their headers are cut off with 408 while others are served at once", async () => {
    const target = await start({ headersTimeout: 1_500, requestTimeout: 3_000 });
    const sockets: Socket[] = await Promise.all(Array.from({ length: 40 }, () => open(target.port)));
    const readers = sockets.map((socket) => new ResponseReader(socket));
    const drips = sockets.map((socket) => {
      socket.write("GET /health HTTP/1.1\r\nHost: x\r\n");
      return setInterval(() => socket.writable && socket.write("X-Drip: 1\r\n"), 50);
    });
    try {
      // Meanwhile a normal client is served promptly.
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const socket = await open(target.port);
        const reader = new ResponseReader(socket);
        socket.write(get("/users/7"));
        const [answer] = await reader.next(1, 1_000);
        socket.destroy();
        expect(answer?.body).toBe('{"id":"7"}');
        // Well under headersTimeout: nobody waited for the slow clients to be cut off.
        expect(performance.now() - started).toBeLessThan(750);
      }
      const answers = await Promise.all(readers.map((reader) => reader.next(1, 5_000)));
      expect(answers.map(([answer]) => answer?.status)).toEqual(Array(40).fill(408));
      await Promise.all(readers.map((reader) => (reader.closed ? undefined : reader.next(1, 1_000))));
      expect(readers.every((reader) => reader.closed)).toBe(true);
    } finally {
      for (const drip of drips) clearInterval(drip);
      for (const socket of sockets) socket.destroy();
    }
  });
});

describe("load", () => {
  it("1,000 concurrent keep-alive connections are each served twice", async () => {
    const target = await start({ keepAliveTimeout: 5_000, headersTimeout: 5_000, requestTimeout: 10_000 }, (app) =>
      app.route("/who/:n")((_request: Request, params: { n: string }) => params.n),
    );
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 1_000; i += 100) sockets.push(...(await Promise.all(Array.from({ length: 100 }, () => open(target.port)))));
      const readers = sockets.map((socket) => new ResponseReader(socket));
      for (const round of [1, 2]) {
        sockets.forEach((socket, i) => socket.write(get(`/who/${round}-${i}`)));
        const answers = await Promise.all(readers.map((reader) => reader.next(1, 10_000)));
        answers.forEach(([answer], i) => {
          expect(answer?.status).toBe(200);
          expect(answer?.body).toBe(`${round}-${i}`);
        });
      }
      expect(readers.some((reader) => reader.closed)).toBe(false);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  }, 30_000);
});
