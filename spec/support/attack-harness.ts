/**
 * The attack and fault harness: a target application with every
 * route kind, a raw `node:net` client that speaks bytes and parses what
 * comes back, and the five invariants checked after every case:
 *
 * 1. the process is alive: a new connection gets 200 on `/health`;
 * 2. no `uncaughtException` or `unhandledRejection` was raised;
 * 3. nothing leaked: no server connection, no extra socket or timer handle,
 *    no multipart temporary file;
 * 4. an error status carries no stack trace in its body (debug is off);
 * 5. a keep-alive connection still works after the case (one more request
 *    gets 200), or the server closed it cleanly: every byte it sent parses
 *    as whole responses, never a half-written or desynced one.
 *
 * Specs call `startTarget()` in `beforeEach`, `attack()` per case, and
 * `target.finish()` in `afterEach`, which checks invariants 1 to 3 (4 and 5
 * are checked by `attack()` on each exchange).
 */
import { readdirSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import type { Server } from "node:http";
import { afterEach, expect } from "vitest";
import { Application, type ApplicationOptions, type Logger } from "../../lib/index.js";
import { attackApp } from "./attack-app.js";

/** One parsed HTTP/1.1 response. */
export interface RawResponse {
  status: number;
  reason: string;
  /** Header names lower case; repeated headers joined with `, ` (`set-cookie` with `\n`). */
  headers: Record<string, string>;
  body: string;
  /** The body's length in bytes, as framed. */
  bodyLength: number;
  /** The bytes as sent (head and body), for exact assertions. */
  raw: string;
}

/** What an attack produced. */
export interface Exchange {
  /** The responses to the attack's bytes, in order (the keep-alive probe excluded). */
  responses: RawResponse[];
  /** The first response (most cases send one request). */
  response: RawResponse;
  /** Whether the server closed the connection after answering. */
  closed: boolean;
  /** Whether the connection was still usable: a follow-up `GET /health` on it got 200. */
  reused: boolean;
  /** Milliseconds from connecting to the end of the exchange. */
  elapsed: number;
}

/** Options of {@link attack}. */
export interface AttackOptions {
  /** How many responses to wait for (1). */
  expect?: number;
  /** Give up after this many ms without the expected responses (2,000). */
  ms?: number;
  /** Write the bytes in these pieces, `gap` ms apart, instead of at once. */
  pieces?: (string | Buffer)[];
  gap?: number;
  /** Skip the keep-alive follow-up (for cases that leave the connection mid-request). */
  noFollowUp?: boolean;
  /** The request is a HEAD: its answer has no body whatever its Content-Length. */
  head?: boolean;
}

const quietTimers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
const openSockets = () => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap").length;
const uploads = () => readdirSync(tmpdir()).filter((f) => f.startsWith("handlerkit-upload-"));

/** The test's target: the app, its port, what it logged, and the invariant checks. */
export interface Target {
  app: Application;
  port: number;
  server: Server;
  /** Everything the app logged as an error (message and error). */
  logged: [string, unknown][];
  /** Every `uncaughtException`/`unhandledRejection` seen while the target ran. */
  faults: unknown[];

  /** Check invariants 1 to 3 and close the app. */
  finish(): Promise<void>;
  /** Invariant 1 and the server side of 3: a fresh connection is served, and no connection is left open. */
  check(): Promise<void>;
  /** Close the app and stop recording faults. */
  close(): Promise<void>;
  /** Invariants 2 and 3 against the state before this target started. */
  checkLeaks(): Promise<void>;
}

/**
 * Start `app` (made by `build`, with a quiet logger that records errors) on
 * 127.0.0.1 with a `/health` route added, and record the baseline for the
 * leak checks.
 */
export async function startTarget(build: (logger: Logger) => Application, options: { debugAllowed?: boolean } = {}): Promise<Target> {
  const logged: [string, unknown][] = [];
  const logger: Logger = { error: (message, error) => void logged.push([message, error]), warn() {}, info() {} };
  const faults: unknown[] = [];
  const onFault = (error: unknown) => void faults.push(error);
  process.on("uncaughtException", onFault);
  process.on("unhandledRejection", onFault);
  const baseline = { sockets: openSockets(), timers: quietTimers(), uploads: new Set(uploads()) };
  const app = build(logger);
  if (app.debug && !options.debugAllowed) throw new Error("The attack target must not run in debug mode.");
  if (!app.router.routes.some((r) => r.pattern === "/health")) app.route("/health")(() => "ok");
  const server = (await app.listen(0, "127.0.0.1")) as Server;
  const port = app.address!.port;
  const target: Target = {
    app,
    port,
    server,
    logged,
    faults,
    async finish() {
      try {
        await target.check();
      } finally {
        await target.close();
      }
      await target.checkLeaks();
    },
    async check() {
      // 1. Alive: a fresh connection is served.
      const health = await attack(target, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", { noFollowUp: true });
      expect(health.response.status).toBe(200);
      expect(health.response.body).toBe("ok");
      // 3. No connection left open on the server once our sockets are gone.
      await eventually(() => connections(server), 0);
    },
    async close() {
      await app.close({ timeout: 200 });
      process.off("uncaughtException", onFault);
      process.off("unhandledRejection", onFault);
    },
    async checkLeaks() {
      // 2. No fault escaped.
      expect(faults.map((f) => (f instanceof Error ? f.stack : String(f)))).toEqual([]);
      // 3. No handle or temporary file left behind (timers settle within a tick or two).
      await eventually(() => openSockets(), baseline.sockets);
      await eventually(() => Math.max(quietTimers(), baseline.timers), baseline.timers);
      expect(uploads().filter((f) => !baseline.uploads.has(f))).toEqual([]);
    },
  };
  return target;
}

/**
 * Register an `afterEach` that finishes (checks and closes) every target
 * started in the test, and return the starter: `start(options?, extend?)`
 * runs the attack app with `options`, after `extend` added routes.
 */
export function targets(): (options?: ApplicationOptions, extend?: (app: Application) => void) => Promise<Target> {
  const started: Target[] = [];
  afterEach(async () => {
    const list = started.splice(0);
    try {
      for (const target of list) await target.check();
    } finally {
      for (const target of list) await target.close();
    }
    // The first target's baseline predates them all.
    await list[0]?.checkLeaks();
    for (const target of list.slice(1)) expect(target.faults).toEqual([]);
  });
  return async (options, extend) => {
    const target = await startTarget((logger) => {
      const app = attackApp(logger, options);
      extend?.(app);
      return app;
    });
    started.push(target);
    return target;
  };
}

function connections(server: Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

/** Poll `read` until it gives `expected` (1 s), then assert it. */
export async function eventually(read: () => number | Promise<number>, expected: number, ms = 1_000): Promise<void> {
  const until = Date.now() + ms;
  let value = await read();
  while (value !== expected && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  expect(value).toBe(expected);
}

/**
 * Send `bytes` on a new connection, collect the expected number of
 * responses, then check invariants 4 and 5: no stack in an error body, and
 * either a clean close (everything received parses as whole responses) or
 * a connection that still serves `GET /health`.
 */
export async function attack(target: Pick<Target, "port">, bytes: string | Buffer, options: AttackOptions = {}): Promise<Exchange> {
  const wanted = options.expect ?? 1;
  const started = Date.now();
  const socket = await open(target.port);
  try {
    const reader = new ResponseReader(socket, { heads: options.head ? 1 : 0 });
    const pieces = options.pieces ?? [bytes];
    for (let i = 0; i < pieces.length; i++) {
      if (i > 0 && options.gap) await new Promise((resolve) => setTimeout(resolve, options.gap));
      if (!socket.writable) break;
      socket.write(pieces[i]!);
    }
    const responses = await reader.next(wanted, options.ms ?? 2_000);
    expect(responses.length, `expected ${wanted} response(s), got: ${JSON.stringify(reader.text)}`).toBe(wanted);
    for (const response of responses) expectNoStack(response);
    let reused = false;
    let closed = reader.closed;
    if (!closed && !options.noFollowUp) {
      // 5. A connection left open must still work, not wait for bytes it will never get.
      socket.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      const [probe] = await reader.next(1, 1_000);
      if (probe === undefined) {
        closed = reader.closed;
        expect(closed, `connection neither closed nor served a follow-up: ${JSON.stringify(reader.text)}`).toBe(true);
      } else {
        expect(probe.status).toBe(200);
        expect(probe.body).toBe("ok");
        reused = true;
      }
    }
    if (closed || !reused) expect(reader.leftover, "bytes after the last whole response").toBe("");
    return { responses, response: responses[0]!, closed, reused, elapsed: Date.now() - started };
  } finally {
    socket.destroy();
  }
}

/** Invariant 4: an error body never shows a stack trace outside debug. */
export function expectNoStack(response: Pick<RawResponse, "status" | "body">): void {
  if (response.status < 400) return;
  expect(response.body).not.toMatch(/\n\s+at .+:\d+:\d+|node:internal|\/lib\/[a-z-]+\.(ts|js)/);
}

/** Open a raw connection to 127.0.0.1. */
export function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.off("error", reject);
      // Resets after the server closed on us are part of the game.
      socket.on("error", () => {});
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/**
 * Reads HTTP/1.1 responses off a socket as they arrive (Content-Length,
 * chunked, or body-less statuses), keeping what does not parse yet.
 */
export class ResponseReader {
  text = "";
  closed = false;
  #parsed: RawResponse[] = [];
  #waiters: (() => void)[] = [];
  #heads: number;

  /** `heads`: how many of the first answers are to HEAD requests (no body). */
  constructor(socket: Socket, options: { heads?: number } = {}) {
    this.#heads = options.heads ?? 0;
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      this.text += chunk;
      this.#parse();
      this.#wake();
    });
    socket.on("close", () => {
      this.closed = true;
      this.#wake();
    });
  }

  /** What is left after the whole responses. */
  get leftover(): string {
    return this.text;
  }

  /** Resolve with `count` responses once they have arrived (fewer if the socket closes or `ms` pass). */
  async next(count: number, ms: number): Promise<RawResponse[]> {
    const until = Date.now() + ms;
    while (this.#parsed.length < count && !this.closed && Date.now() < until) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, until - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.#parsed.splice(0, count);
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #parse(): void {
    for (;;) {
      const parsed = parseOne(this.text, this.#heads > 0);
      if (parsed === undefined) return;
      if (this.#heads > 0) this.#heads--;
      this.#parsed.push(parsed.response);
      this.text = this.text.slice(parsed.length);
    }
  }
}

/** Parse one response from the start of `text`, or `undefined` when it is not all there yet. */
export function parseOne(text: string, head = false): { response: RawResponse; length: number } | undefined {
  const end = text.indexOf("\r\n\r\n");
  if (end === -1) return undefined;
  const lines = text.slice(0, end).split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(lines[0]!);
  if (status === null) throw new Error(`Not an HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}${name === "set-cookie" ? "\n" : ", "}${value}`;
  }
  const code = Number(status[1]);
  let offset = end + 4;
  let body = "";
  if (head || code === 204 || code === 304 || code < 200) {
    // no body
  } else if (headers["transfer-encoding"]?.includes("chunked")) {
    for (;;) {
      const lineEnd = text.indexOf("\r\n", offset);
      if (lineEnd === -1) return undefined;
      const size = parseInt(text.slice(offset, lineEnd), 16);
      if (text.length < lineEnd + 2 + size + 2) return undefined;
      body += text.slice(lineEnd + 2, lineEnd + 2 + size);
      offset = lineEnd + 2 + size + 2;
      if (size === 0) break;
    }
  } else if (headers["content-length"] !== undefined) {
    const length = Number(headers["content-length"]);
    if (text.length < offset + length) return undefined;
    body = text.slice(offset, offset + length);
    offset += length;
  } else {
    // Read to the end of the connection: only a closed socket settles it.
    return undefined;
  }
  const bodyText = Buffer.from(body, "latin1").toString("utf8");
  return { response: { status: code, reason: status[2]!, headers, body: bodyText, bodyLength: body.length, raw: text.slice(0, offset) }, length: offset };
}

/** A plain GET as raw bytes. */
export function get(path: string, headers: Record<string, string> = {}): string {
  let head = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return `${head}\r\n`;
}

/** A request with a body as raw bytes (`Content-Length` set unless given in `headers`). */
export function post(path: string, body: string | Buffer, headers: Record<string, string> = {}, method = "POST"): Buffer {
  let head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;
  const all = { ...headers };
  if (!Object.keys(all).some((k) => k.toLowerCase() === "content-length" || k.toLowerCase() === "transfer-encoding")) {
    all["Content-Length"] = String(Buffer.byteLength(body));
  }
  for (const [name, value] of Object.entries(all)) head += `${name}: ${value}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, "latin1"), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
}

/** The default target options: short timeouts so slow-client cases stay fast. */
export const FAST: ApplicationOptions = {
  headersTimeout: 600,
  requestTimeout: 1_000,
  keepAliveTimeout: 2_000,
  connectionsCheckingInterval: 50,
};
