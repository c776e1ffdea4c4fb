/**
 * compress(): br, gzip and deflate by Accept-Encoding, only what is worth
 * it, streams on the fly, SSE flushed per event; checked by decompressing
 * what came over the wire.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, createGunzip, gunzipSync, inflateSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { Application, compress, Response, sse, type CompressOptions } from "../../lib/index.js";
import { overSocket } from "../support/listening.js";

const dir = mkdtempSync(join(tmpdir(), "handlerkit-compress-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PAGE = `<!doctype html><title>t</title>${"<p>handlerkit compresses this page</p>\n".repeat(100)}`;
const TEXT_FILE = join(dir, "big.txt");
writeFileSync(TEXT_FILE, "0123456789abcdef\n".repeat(500));
const FILE_BYTES = "0123456789abcdef\n".repeat(500);
let releaseSecond = () => {};

function appWith(options?: CompressOptions) {
  const app = new Application([
    ["/page", () => PAGE],
    ["/small", () => "tiny"],
    ["/json", () => ({ items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}` })) })],
    ["/png", () => new Response(Buffer.alloc(4096, 7), 200, { "content-type": "image/png" })],
    ["/stream", () => (async function* () {
      for (let i = 0; i < 50; i++) yield `line ${i} ${"x".repeat(100)}\n`;
    })()],
    ["/encoded", () => new Response(PAGE, 200, { "content-encoding": "br" })],
    ["/no-transform", () => new Response(PAGE, 200, { "cache-control": "public, No-Transform" })],
    ["/empty", () => 204],
    ["/file", () => Response.file(TEXT_FILE)],
    ["/etag", () => new Response(PAGE, 200, { etag: '"v1"' })],
    // The second event waits for the spec to have read the first (or 5 s).
    ["/events", () => sse((async function* () {
      yield { data: "first" };
      await new Promise<void>((resolve) => {
        releaseSecond = resolve;
        setTimeout(resolve, 5000).unref();
      });
      yield { data: "second" };
    })(), { heartbeat: 0 })],
  ]);
  app.use(compress(options));
  return app;
}
const app = appWith();
const get = (path: string, encoding?: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
  app.getResponse(path, { ...init, headers: { ...(encoding === undefined ? {} : { "accept-encoding": encoding }), ...init.headers } });

const decode = (encoding: string | undefined, bytes: Buffer) =>
  encoding === "br" ? brotliDecompressSync(bytes) : encoding === "gzip" ? gunzipSync(bytes) : encoding === "deflate" ? inflateSync(bytes) : bytes;

describe("compress()", () => {
  it("compresses a compressible body over the threshold with the coding the client prefers, br first on a tie", async () => {
    const cases: [accept: string, coding: string][] = [
      ["gzip, deflate, br", "br"],
      ["gzip", "gzip"],
      ["deflate", "deflate"],
      ["br;q=0.5, gzip", "gzip"],
      ["*", "br"],
      ["identity;q=0.5, deflate;q=0.9", "deflate"],
    ];
    for (const [accept, coding] of cases) {
      const res = await get("/page", accept);
      expect(res.headers.get("content-encoding"), accept).toBe(coding);
      expect(res.headers.get("vary"), accept).toBe("Accept-Encoding");
      expect(res.headers.get("content-type"), accept).toBe("text/html; charset=utf-8");
      const bytes = await res.bytes();
      expect(Number(res.headers.get("content-length")), accept).toBe(bytes.length);
      expect(bytes.length, accept).toBeLessThan(Buffer.byteLength(PAGE) / 4);
      expect(decode(coding, bytes).toString(), accept).toBe(PAGE);
    }
    const json = await get("/json", "gzip");
    expect(json.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(gunzipSync(await json.bytes()).toString())).toHaveProperty("items.199.name", "item 199");
  });

  it("sends identity when the client asks for none it knows, refuses all, or sends garbage", async () => {
    for (const accept of [undefined, "", "identity", "zstd", "br;q=0, gzip;q=0, deflate;q=0", "gzip;q=0", ";;;,,,=", "x".repeat(5000), Array.from({ length: 2000 }, (_, i) => `c${i};q=0.${i % 10}`).join(", ")]) {
      const res = await get("/page", accept);
      expect(res.headers.has("content-encoding"), String(accept).slice(0, 40)).toBe(false);
      expect(await res.text()).toBe(PAGE);
    }
    // Past its first 64 ranges a list is not read (http/negotiation bounds
    // it), so a coding named at the end of a huge one is not used.
    const long = `${Array.from({ length: 2000 }, (_, i) => `c${i};q=0.1`).join(", ")}, gzip`;
    expect((await get("/page", long)).headers.has("content-encoding")).toBe(false);
  });

  it("leaves alone what is not worth it: small bodies, images, HEAD, 204, already encoded, no-transform", async () => {
    const untouched = async (path: string, method = "GET") => {
      const res = await get(path, "gzip, br", { method });
      return { coding: res.headers.get("content-encoding") ?? null, vary: res.headers.get("vary") ?? null, status: res.status };
    };
    expect(await untouched("/small")).toEqual({ coding: null, vary: "Accept-Encoding", status: 200 });
    expect(await untouched("/png")).toEqual({ coding: null, vary: null, status: 200 });
    expect(await untouched("/page", "HEAD")).toEqual({ coding: null, vary: "Accept-Encoding", status: 200 });
    expect(await untouched("/empty")).toEqual({ coding: null, vary: null, status: 204 });
    expect(await untouched("/encoded")).toEqual({ coding: "br", vary: null, status: 200 });
    expect(await untouched("/no-transform")).toEqual({ coding: null, vary: "Accept-Encoding", status: 200 });
    const head = await get("/page", "gzip", { method: "HEAD" });
    expect(head.headers.get("content-length")).toBe(String(Buffer.byteLength(PAGE)));
  });

  it("takes threshold, encodings and filter", async () => {
    const tight = appWith({ threshold: 0, encodings: ["gzip"], filter: (type) => type === "text/html" });
    const small = await tight.getResponse("/small", { headers: { "accept-encoding": "br, gzip" } });
    expect(small.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(await small.bytes()).toString()).toBe("tiny");
    expect((await tight.getResponse("/json", { headers: { "accept-encoding": "gzip" } })).headers.has("content-encoding")).toBe(false);
    expect(() => compress({ encodings: ["zstd" as never] })).toThrow('compress(): "zstd" is not one of br, gzip, deflate.');
    expect(() => compress({ threshold: -1 })).toThrow("threshold is a number of bytes");
  });

  it("compresses a stream as it flows, with no Content-Length", async () => {
    const res = await get("/stream", "gzip");
    expect(res.isStreaming).toBe(true);
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(res.headers.has("content-length")).toBe(false);
    const text = gunzipSync(await res.bytes()).toString();
    expect(text.split("\n")).toHaveLength(51);
    expect(text.startsWith(`line 0 ${"x".repeat(100)}\n`)).toBe(true);
  });

  it("compresses a file, with a weak ETag and no Accept-Ranges, and leaves its 304s and ranges alone", async () => {
    const res = await get("/file", "br");
    expect(res.headers.get("content-encoding")).toBe("br");
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.has("accept-ranges")).toBe(false);
    expect(res.headers.has("content-length")).toBe(false);
    const etag = res.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect(brotliDecompressSync(await res.bytes()).toString()).toBe(FILE_BYTES);
    // The weak ETag revalidates (If-None-Match compares weakly).
    const again = await get("/file", "br", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.has("content-encoding")).toBe(false);
    const range = await get("/file", "br", { headers: { range: "bytes=0-9" } });
    expect(range.status).toBe(206);
    expect(range.headers.has("content-encoding")).toBe(false);
    expect(await range.text()).toBe("0123456789");
    expect((await get("/etag", "gzip")).headers.get("etag")).toBe('W/"v1"');
  });
});

describe("compress() over a socket", () => {
  it("what comes over the wire decompresses to the body, for every coding, buffered, streamed and from a file", async () => {
    await overSocket(app, async (fetch) => {
      for (const coding of ["br", "gzip", "deflate"]) {
        const page = await fetch("/page", { headers: { "accept-encoding": coding } });
        expect(page.headers["content-encoding"]).toBe(coding);
        expect(Number(page.headers["content-length"])).toBe(page.bytes.length);
        expect(decode(coding, page.bytes).toString()).toBe(PAGE);
        const stream = await fetch("/stream", { headers: { "accept-encoding": coding } });
        expect(stream.headers["transfer-encoding"]).toBe("chunked");
        expect(decode(coding, stream.bytes).toString().split("\n")).toHaveLength(51);
        const file = await fetch("/file", { headers: { "accept-encoding": coding } });
        expect(decode(coding, file.bytes).toString()).toBe(FILE_BYTES);
      }
      const plain = await fetch("/page", { headers: { "accept-encoding": "identity" } });
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.text).toBe(PAGE);
      const head = await fetch("/page", { method: "HEAD", headers: { "accept-encoding": "gzip" } });
      expect(head.headers["content-encoding"]).toBeUndefined();
      expect(head.bytes.length).toBe(0);
    });
  });

  it("flushes each Server-Sent Event: the first arrives, decodable, before the second is sent", async () => {
    await overSocket(app, async (_fetch, base) => {
      const port = Number(new URL(base).port);
      const socket = connect(port, "127.0.0.1");
      socket.write("GET /events HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n");
      const gunzip = createGunzip();
      let head = "";
      let inBody = false;
      let text = "";
      gunzip.on("data", (chunk: Buffer) => (text += chunk.toString()));
      const first = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the first event was held back: ${JSON.stringify(text)}`)), 3000);
        gunzip.on("data", () => {
          if (text.includes("data: first")) {
            clearTimeout(timer);
            resolve(text);
          }
        });
        socket.on("data", (chunk: Buffer) => {
          if (inBody) return void gunzip.write(dechunk(chunk));
          head += chunk.toString("latin1");
          const end = head.indexOf("\r\n\r\n");
          if (end === -1) return;
          inBody = true;
          expect(head).toMatch(/content-encoding: gzip/i);
          const rest = Buffer.from(head.slice(end + 4), "latin1");
          if (rest.length > 0) gunzip.write(dechunk(rest));
        });
      });
      expect(first).toBe("data: first\n\n");
      releaseSecond();
      socket.destroy();
    });
  });
});

// The chunk bodies of a chunked HTTP/1.1 stretch (size lines dropped).
// Good enough for this spec: each socket read holds whole chunks.
function dechunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const line = bytes.indexOf("\r\n", at);
    if (line === -1) break;
    const size = parseInt(bytes.subarray(at, line).toString("latin1"), 16);
    if (!(size > 0)) break;
    parts.push(bytes.subarray(line + 2, line + 2 + size));
    at = line + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
