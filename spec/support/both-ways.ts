/**
 * One request, two ways: through `app.getResponse()` in process and over a
 * real socket (undici, or raw bytes), read into the same shape, so a spec
 * can assert that both answer exactly as the client must see it.
 */
import { afterAll, beforeAll } from "vitest";
import { request } from "undici";
import type { Application, RequestInit } from "../../lib/index.js";
import { raw } from "./socket-client.js";

/** An answer as a client reads it: status, lower-case headers, body text. */
export interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/** What {@link bothWays} gives a spec: the app, and its answers either way. */
export interface BothWays {
  readonly app: Application;
  /** The answer from `app.getResponse(path, init)`. */
  inProcess(path: string, init?: RequestInit): Promise<Answer>;
  /** The answer to the same request over a socket (undici). */
  overSocket(path: string, init?: RequestInit): Promise<Answer>;
  /** Both answers, in process first. */
  both(path: string, init?: RequestInit): Promise<[Answer, Answer]>;
  /** Raw bytes to the server; what it sent back until it closed (or `ms` passed). */
  rawBytes(bytes: string, ms?: number): Promise<string>;
  /** The server's port, once listening. */
  readonly port: number;
}

/**
 * Serve `build()`'s app on 127.0.0.1 for the enclosing `describe` (listen
 * before, close after), and answer requests both ways.
 */
export function bothWays(build: () => Application): BothWays {
  const app = build();
  let port = 0;
  beforeAll(async () => {
    await app.listen(0, "127.0.0.1");
    port = app.address!.port;
  });
  afterAll(() => app.close({ timeout: 200 }));

  async function inProcess(path: string, init?: RequestInit): Promise<Answer> {
    const res = await app.getResponse(path, init);
    const headers: Record<string, string | undefined> = {};
    for (const name of res.headers.keys()) headers[name] = res.headers.get(name);
    return { status: res.status, headers, body: await res.text() };
  }

  async function overSocket(path: string, init: RequestInit = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries((init.headers ?? {}) as Record<string, string>)) headers[name.toLowerCase()] = value;
    let body = typeof init.body === "string" ? init.body : undefined;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers["content-type"] ??= "application/json";
    }
    const res = await request(`http://127.0.0.1:${port}${path}`, { method: (init.method ?? "GET") as "GET", headers, body });
    const out: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(res.headers)) out[name] = Array.isArray(value) ? value.join(", ") : value;
    // What node:http adds on every answer, which getResponse() has no socket to add.
    for (const name of ["date", "connection", "keep-alive", "transfer-encoding"]) delete out[name];
    return { status: res.statusCode, headers: out, body: await res.body.text() };
  }

  return {
    app,
    inProcess,
    overSocket,
    both: async (path, init) => [await inProcess(path, init), await overSocket(path, init)],
    rawBytes: (bytes, ms) => raw(port, bytes, ms),
    get port() {
      return port;
    },
  };
}
