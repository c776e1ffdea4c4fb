/**
 * Property-based fuzzing over real sockets, with fast-check:
 * random methods, paths, query strings, headers, cookies, and JSON,
 * urlencoded and multipart bodies (well-formed and mutated) against the
 * attack app, which has every route kind. After each request:
 *
 * - the answer parses whole (or the server closed cleanly without one),
 *   and a connection left open still serves `GET /health`;
 * - no error body shows a stack;
 * - the status is under 500 unless a handler threw (the logged error was
 *   raised in spec/support/attack-app.ts) or the method is not served (501);
 * - `app.getResponse()` gives the same status for the same request
 *   (unless Node's parser refused it before the app saw it);
 * - and, once the run is over, the five invariants of the harness.
 *
 * `npm test` runs 2,000 cases; `npm run fuzz` runs FUZZ_RUNS (100,000).
 * A failing case is shrunk by fast-check and printed with its seed; add the
 * shrunk request as a regression spec in spec/security/.
 */
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { HttpError, type RequestInit } from "../../lib/index.js";
import { expectNoStack, open, ResponseReader, startTarget, type Target } from "../support/attack-harness.js";
import { attackApp } from "../support/attack-app.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

let target: Target;
beforeAll(async () => {
  target = await startTarget((logger) => attackApp(logger, { maxParams: 200 }));
});
afterAll(async () => {
  // The target's log is expected to hold handler faults; the other invariants must hold.
  await target.finish();
});

// Pieces that have broken web stacks before, mixed with plain text.
const NASTY = ["%", "%2", "%zz", "%00", "%2F", "%2f", "%252F", "%2e", "%2E%2e", ".", "..", "//", "\\", "%5C", "%C0%AF", "%E0%80%AF", "%ED%A0%80", "%FF", "__proto__", "constructor", "prototype", "hasOwnProperty", "toString", ";", "=", "&", "+", "*", ":", "@", "~", "'", '"', "<script>", "%3Cscript%3E", "%0D%0A", "%09", "é", "%C3%A9", "🎉", "a".repeat(300)];
// The app's routes, each with its parameters to fill: `{}` a random segment, `{n}` digits.
const ROUTES = ["/", "/health", "/users/{}", "/files/{}/{}", "/files/{}", "/docs", "/docs/{}", "/products/{n}", "/posts/{n}/{}", "/tags/{}", "/go", "/redirect-raw", "/echo", "/text", "/json", "/json", "/form", "/form-big", "/form-tight", "/form-tight", "/query", "/cookies", "/path", "/throw", "/reject", "/throw-string", "/stream", "/set-header", "/set-cookie", "/missing/{}"];

// Percent-encode bytes, as a client does for non-ASCII (never throws, unlike encodeURIComponent on a lone surrogate).
const pct = (c: string) => [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");

const piece = fc.oneof(fc.constantFrom(...NASTY), fc.stringMatching(/^[A-Za-z0-9._~-]{0,12}$/), fc.integer({ min: 0, max: 99_999 }).map(String));
const segment = fc.array(piece, { minLength: 0, maxLength: 4 }).map((parts) => parts.join(""));

/** A request target, mostly one the app routes, encoded as a client would send it or mutated. */
const path = fc
  .tuple(fc.constantFrom(...ROUTES), fc.array(segment, { minLength: 3, maxLength: 3 }), fc.nat(99_999), fc.oneof({ arbitrary: fc.constant(undefined), weight: 9 }, { arbitrary: fc.array(segment, { maxLength: 3 }), weight: 1 }), fc.boolean())
  .map(([route, [a, b, c], n, extra, encode]) => {
    const fills = [a, b, c];
    let raw = route.replace("{n}", String(n)).replace(/\{\}/g, () => fills.shift()!);
    // Now and then, a mutated tail past what the route expects.
    if (extra) raw += `/${extra.join("/")}`;
    // Raw non-ASCII or spaces are a parser 400; usually send what browsers send.
    return encode ? raw.replace(/[^\x21-\x7e]/gu, pct) : raw.replace(/[\x00-\x20\x7f]/g, "");
  });

const query = fc
  .array(fc.tuple(piece, piece), { maxLength: 8 })
  .map((pairs) => (pairs.length === 0 ? "" : `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}`.replace(/[^\x21-\x7e]/gu, pct)));

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/).map((v) => v.trim());
const headers = fc.array(fc.tuple(token, headerValue), { maxLength: 6 }).map((pairs) => pairs.filter(([name]) => !/^(host|content-length|transfer-encoding|connection|expect|upgrade|te|trailer)$/i.test(name)));
const cookie = fc
  .tuple(fc.array(fc.tuple(piece, piece), { maxLength: 5 }), fc.constantFrom("; ", ";", " ; "))
  .map(([pairs, separator]) => pairs.map(([k, v]) => `${k}=${v}`).join(separator).replace(/[^\x20-\x7e]/g, ""));
const accept = fc.constantFrom(undefined, "*/*", "text/html", "application/json", "text/plain", "application/problem+json, text/html;q=0.5");

const multipartBody = fc
  .tuple(
    fc.array(fc.tuple(piece, fc.option(piece, { nil: undefined }), fc.string({ maxLength: 200, size: "max" })), { maxLength: 6 }),
    fc.constantFrom("none", "none", "truncate", "garbage", "no-end"),
    fc.nat(),
    fc.constantFrom("multipart/form-data; boundary=XX", "multipart/form-data; boundary=XX", "multipart/form-data", 'multipart/form-data; boundary="XX"; charset=bogus'),
  )
  .map(([parts, mutation, at, type]) => {
    let body = parts
      .map(([name, filename, content]) => `--XX\r\nContent-Disposition: form-data; name="${name.replace(/"/g, "")}"${filename === undefined ? "" : `; filename="${filename.replace(/"/g, "")}"`}\r\n\r\n${content}\r\n`)
      .join("");
    if (mutation !== "no-end") body += "--XX--\r\n";
    if (mutation === "truncate") body = body.slice(0, at % (body.length + 1));
    if (mutation === "garbage") body = body.slice(0, at % (body.length + 1)) + "\r\n--X\r\n\x00garbage" + body.slice(at % (body.length + 1));
    return { type, body };
  });

const body = fc.oneof(
  fc.constant(undefined),
  fc.json().map((json) => ({ type: "application/json", body: json })),
  fc.json().map((json) => ({ type: "application/json", body: json.slice(0, Math.max(0, json.length - 1)) + "}" })),
  // Around the 64 KiB body limit.
  fc.integer({ min: 30_000, max: 120_000 }).map((length) => ({ type: "application/json", body: `"${"x".repeat(length)}"` })),
  fc
    .tuple(fc.string({ maxLength: 300 }), fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"))
    .map(([text, type]) => ({ type, body: text })),
  fc.array(fc.tuple(piece, piece), { maxLength: 50 }).map((pairs) => ({ type: "application/x-www-form-urlencoded", body: pairs.map(([k, v]) => `${k}=${v}`).join("&") })),
  multipartBody,
);

const method = fc.constantFrom("GET", "GET", "GET", "POST", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND", "TRACE");

// Half the cases aim a body at a route that reads one, so the body limits and parsers are crossed often.
const bodyRoute = fc.constantFrom("/json", "/form", "/form-big", "/form-tight", "/form-tight", "/echo", "/text");
const request = fc.oneof(
  fc.record({ method, path, query, headers, cookie, accept, body, chunked: fc.boolean() }),
  fc.record({ method: fc.constant("POST"), path: bodyRoute, query, headers, cookie, accept, body: body.filter((b) => b !== undefined), chunked: fc.boolean() }),
);
type Fuzzed = typeof request extends fc.Arbitrary<infer T> ? T : never;

function toBytes(r: Fuzzed): Buffer {
  let head = `${r.method} ${r.path}${r.query} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;
  for (const [name, value] of r.headers) head += `${name}: ${value}\r\n`;
  if (r.cookie) head += `Cookie: ${r.cookie}\r\n`;
  if (r.accept) head += `Accept: ${r.accept}\r\n`;
  if (r.body === undefined) return Buffer.from(`${head}\r\n`, "latin1");
  const payload = Buffer.from(r.body.body);
  head += `Content-Type: ${r.body.type}\r\n`;
  if (!r.chunked) return Buffer.concat([Buffer.from(`${head}Content-Length: ${payload.length}\r\n\r\n`, "latin1"), payload]);
  const chunks = payload.length === 0 ? "" : `${payload.length.toString(16)}\r\n`;
  return Buffer.concat([Buffer.from(`${head}Transfer-Encoding: chunked\r\n\r\n${chunks}`, "latin1"), payload, Buffer.from(payload.length === 0 ? "0\r\n\r\n" : "\r\n0\r\n\r\n")]);
}

/** The same request for `app.getResponse()`. */
function inProcessInit(r: Fuzzed): RequestInit {
  const headers: [string, string][] = [...r.headers];
  if (r.cookie) headers.push(["cookie", r.cookie]);
  if (r.accept) headers.push(["accept", r.accept]);
  if (r.body !== undefined) headers.push(["content-type", r.body.type]);
  return { method: r.method, headers, body: r.body?.body };
}

/** Whether an error the app logged was thrown by a handler of the attack app (not by the framework). */
function thrownByHandler(error: unknown): boolean {
  if (error instanceof HttpError) return false;
  return typeof error === "string" || (error instanceof Error && /attack-app\.ts/.test(error.stack ?? ""));
}

// How often each status was seen, printed with FUZZ_STATS=1 to judge coverage.
const seen = new Map<number, number>();

async function check(r: Fuzzed): Promise<void> {
  const logged = target.logged.length;
  const socket = await open(target.port);
  try {
    const reader = new ResponseReader(socket, { heads: r.method === "HEAD" ? 1 : 0 });
    socket.write(toBytes(r));
    let [answer] = await reader.next(1, 3_000);
    // A 100 Continue is not the answer.
    while (answer !== undefined && answer.status < 200) [answer] = await reader.next(1, 3_000);
    if (answer === undefined) {
      // Only a clean close without a byte is acceptable (Node does that for CONNECT and the like).
      expect(reader.closed, `no answer and the connection still open: ${JSON.stringify(reader.text.slice(0, 200))}`).toBe(true);
      expect(reader.leftover).toBe("");
      return;
    }
    seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
    expectNoStack(answer);
    // Parity: what the parser accepted, the in-process client answers alike.
    const parserAnswer = /\r\nConnection: close\r\nContent-Type: text\/plain/.test(answer.raw);
    if (!parserAnswer) {
      const inProcess = await target.app.getResponse(`${r.path}${r.query}`, inProcessInit(r));
      expect(inProcess.status, "app.getResponse() and the socket disagree").toBe(answer.status);
    }
    if (answer.status >= 500 && answer.status !== 501) {
      const errors = target.logged.slice(logged).map(([, error]) => error);
      expect(errors.length > 0 && errors.every(thrownByHandler), `${answer.status} without a handler fault: ${String(errors[0])}`).toBe(true);
    }
    // A HEAD the parser refused gets a plain answer with a body, read here as
    // a HEAD answer: the body is what is left, and the connection closes.
    const parserRefusedHead = r.method === "HEAD" && answer.status === 400 && answer.headers.connection === "close";
    if (parserRefusedHead) await reader.next(1, 1_000);
    if (!reader.closed) {
      socket.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      const [probe] = await reader.next(1, 3_000);
      if (probe === undefined) expect(reader.closed && reader.leftover === "", `connection stuck: ${JSON.stringify(reader.text.slice(0, 200))}`).toBe(true);
      else expect([probe.status, probe.body]).toEqual([200, "ok"]);
    } else if (!parserRefusedHead) {
      expect(reader.leftover).toBe("");
    }
  } finally {
    socket.destroy();
  }
}

it(
  `${RUNS} random requests keep every invariant`,
  async () => {
    await fc.assert(fc.asyncProperty(request, check), { numRuns: RUNS, seed: SEED, endOnFailure: true, interruptAfterTimeLimit: undefined });
    if (process.env.FUZZ_STATS) console.log("statuses seen:", Object.fromEntries([...seen].sort(([a], [b]) => a - b)));
    // The process is alive and served every case: the log holds only handler faults.
    for (const [, error] of target.logged) if (!thrownByHandler(error)) expect(String(error)).toMatch(/^(NotImplemented|\w+Error: Method .* is not served)/);
  },
  Math.max(60_000, RUNS * 30),
);
