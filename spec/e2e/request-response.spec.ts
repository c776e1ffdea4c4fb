/**
 * Request and Response over real sockets with undici: parsing,
 * limits, hostile input, uploads, cookies, files, HEAD/204/304, and clients
 * that go away mid-response.
 */
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FormData, request } from "undici";
import { Application, Request, RequestHandler, Response, Route, UploadedFile } from "../../lib/index.js";
import { multipartBody } from "../support/multipart-body.js";
import { fetchResult, raw as rawBytes } from "../support/socket-client.js";

const dir = mkdtempSync(join(tmpdir(), "handlerkit-e2e-rr-"));
const uploads = join(dir, "uploads");
const publicDir = join(dir, "public");
for (const d of [uploads, publicDir]) mkdirSync(d);
writeFileSync(join(publicDir, "hello.txt"), "Hello, file world!");
writeFileSync(join(publicDir, "big.bin"), Buffer.alloc(8 * 1024 * 1024, 7));
writeFileSync(join(dir, "secret.txt"), "top secret");
const MTIME = new Date(Date.UTC(2024, 4, 6, 7, 8, 9));
utimesSync(join(publicDir, "hello.txt"), MTIME, MTIME);

const events: string[] = [];
const logged: unknown[][] = [];

class Echo extends RequestHandler {
  get() {
    const r = this.request;
    return {
      method: r.method, path: r.path, rawPath: r.rawPath, query: r.query.toObject(), host: r.host, hostname: r.hostname,
      port: r.port, scheme: r.scheme, secure: r.isSecure, ip: r.ip ?? null, full: r.fullPath(), url: r.url,
      tags: r.headers.getAll("x-tag"), cookies: { ...r.cookies }, accepts: r.accepts("json", "html"),
    };
  }
}

class Upload extends RequestHandler {
  static bodyLimit = 4 * 1024 * 1024;
  async post() {
    const form = await this.request.form({ memoryThreshold: 1024, tmpDir: uploads });
    const out: Record<string, unknown> = {};
    for (const [name, value] of form) {
      out[name] = value instanceof UploadedFile
        ? { filename: value.filename, type: value.contentType, size: value.size, spooled: value.path !== undefined, head: (await value.bytes()).subarray(0, 5).toString() }
        : value;
    }
    return out;
  }
}

const app = new Application(
  [
    [/^\/echo\/.+$/, Echo],
    new Route("/big-form", async (r: Request) => (await r.form()).size, { bodyLimit: 1024 * 1024 }),
    ["/json", async (r: Request) => ({ got: await r.json() })],
    ["/text", async (r: Request) => r.text()],
    ["/form", async (r: Request) => { await r.form(); return { a: r.getAll("a"), b: r.get("b") ?? null }; }],
    ["/upload", Upload],
    ["/cookies/ok", () => new Response("ok").setCookie("a", "1", { httpOnly: true }).setCookie("b", "2", { sameSite: "Strict", secure: true })],
    ["/cookies/bad", () => new Response("ok").setCookie("sid", "abc; Domain=evil.example")],
    ["/header/bad", () => new Response("ok", 200, { "x-evil": "a\r\nSet-Cookie: admin=1" })],
    ["/static/*path", (_r: Request, p: { path: string[] }) => Response.file(p.path.join("/"), { root: publicDir })],
    ["/no-content", () => 204],
    ["/endless", () => (async function* () {
      try {
        for (let i = 0; ; i++) {
          yield `chunk ${i}\n`.repeat(1000);
          await new Promise((r) => setTimeout(r, 1));
        }
      } finally {
        events.push("generator closed");
      }
    })()],
  ],
  { bodyLimit: 1024, logger: { error: (...args: unknown[]) => logged.push(args) } },
);

let base = "";
beforeAll(async () => {
  await app.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${app.address!.port}`;
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (path: string, options?: Parameters<typeof fetchResult>[1]) => fetchResult(`${base}${path}`, options);
const JSON_ACCEPT = { accept: "application/json" };

const raw = (bytes: string | Buffer, ms = 1000) => rawBytes(app.address!.port, bytes, ms);

describe("Request over a socket", () => {
  it("gives URL parts, repeated headers, cookies and negotiation", async () => {
    const res = await call("/echo/caf%C3%A9/x?q=a+b&q=2&__proto__=p", {
      headers: { "x-tag": ["one", "two"], cookie: "sid=abc; broken; theme=dark", accept: "text/html;q=0.5, application/json" },
    });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body);
    // An object literal cannot hold an own "__proto__" key: check the query apart.
    expect(Object.entries(body.query)).toEqual([["q", ["a b", "2"]], ["__proto__", "p"]]);
    delete body.query;
    expect(body).toEqual({
      method: "GET", path: "/echo/café/x", rawPath: "/echo/caf%C3%A9/x",
      host: `127.0.0.1:${app.address!.port}`, hostname: "127.0.0.1", port: app.address!.port, scheme: "http", secure: false,
      ip: "127.0.0.1", full: "/echo/caf%C3%A9/x?q=a+b&q=2&__proto__=p", url: `${base}/echo/caf%C3%A9/x?q=a+b&q=2&__proto__=p`,
      tags: ["one, two"], cookies: { sid: "abc", theme: "dark" }, accepts: "json",
    });
  });

  it("answers 400 for invalid percent-encoding in the path", async () => {
    const res = await call("/echo/%E0%A4%A", { headers: JSON_ACCEPT });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: 400, message: "The path has invalid percent-encoding." });
  });

  it("refuses a form of 100,000 pairs fast: 413 past the body limit, 400 past maxParams", async () => {
    const hostile = "a=1&".repeat(100_000);
    const headers = { "content-type": "application/x-www-form-urlencoded", ...JSON_ACCEPT };
    let started = performance.now();
    const small = await call("/form", { method: "POST", body: hostile, headers });
    expect(small.status).toBe(413);
    expect(performance.now() - started).toBeLessThan(500);
    started = performance.now();
    const big = await call("/big-form", { method: "POST", body: hostile, headers });
    expect(performance.now() - started).toBeLessThan(500);
    expect(big.status).toBe(400);
    expect(JSON.parse(big.body)).toEqual({ error: 400, message: "Too many parameters: more than 1000." });
  });

  it("reads a urlencoded form, and get()/getAll() see it afterwards", async () => {
    const res = await call("/form?b=query", { method: "POST", body: "a=1&a=2&b=form", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(JSON.parse(res.body)).toEqual({ a: ["1", "2"], b: "query" });
  });

  it("parses JSON, and answers invalid JSON with 400, a non-JSON type with 415", async () => {
    const ok = await call("/json", { method: "POST", body: '{"x":[1,2]}', headers: { "content-type": "application/json" } });
    expect(JSON.parse(ok.body)).toEqual({ got: { x: [1, 2] } });
    const bad = await call("/json", { method: "POST", body: "{nope", headers: { "content-type": "application/json", ...JSON_ACCEPT } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).message).toMatch(/^The request body is not valid JSON: /);
    const type = await call("/json", { method: "POST", body: "{}", headers: { "content-type": "text/plain", ...JSON_ACCEPT } });
    expect(type.status).toBe(415);
  });

  it("refuses an oversized JSON body with 413 before reading it (Content-Length) and closes the connection", async () => {
    const res = await call("/json", { method: "POST", body: JSON.stringify({ big: "x".repeat(5000) }), headers: { "content-type": "application/json", ...JSON_ACCEPT } });
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe("close");
    expect(JSON.parse(res.body)).toEqual({ error: 413, message: "The request body is larger than the limit of 1024 bytes." });
  });

  it("refuses an oversized chunked body at the first chunk past the limit", async () => {
    const chunk = "x".repeat(600);
    const text = await raw(
      `POST /text HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nAccept: application/json\r\n\r\n` +
        `258\r\n${chunk}\r\n258\r\n${chunk}\r\n`,
    );
    expect(text.startsWith("HTTP/1.1 413 Payload Too Large\r\n")).toBe(true);
    expect(text).toContain('{"error":413,"message":"The request body is larger than the limit of 1024 bytes."}');
  });

  it("decodes text bodies with their charset", async () => {
    const res = await call("/text", { method: "POST", body: Buffer.from([0x63, 0x61, 0x66, 0xe9]), headers: { "content-type": "text/plain; charset=latin1" } });
    expect(res.body).toBe("café");
  });
});

describe("multipart uploads over a socket", () => {
  it("receives fields and files (spooled when large) and removes temp files when the request ends", async () => {
    const form = new FormData();
    form.append("title", "Holiday");
    form.append("small", new Blob(["tiny!"], { type: "text/plain" }), "small.txt");
    form.append("large", new Blob([Buffer.alloc(100_000, "L")], { type: "application/octet-stream" }), "large.bin");
    const res = await call("/upload", { method: "POST", body: form });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({
      title: "Holiday",
      small: { filename: "small.txt", type: "text/plain", size: 5, spooled: false, head: "tiny!" },
      large: { filename: "large.bin", type: "application/octet-stream", size: 100_000, spooled: true, head: "LLLLL" },
    });
    await waitFor(() => readdirSync(uploads).length === 0);
    expect(readdirSync(uploads)).toEqual([]);
  });

  it("answers a truncated multipart body with 400 and leaves no temp file", async () => {
    const { body, contentType } = multipartBody([{ name: "f", value: Buffer.alloc(50_000, "x"), filename: "f.bin" }]);
    const truncated = body.subarray(0, 30_000);
    const res = await call("/upload", { method: "POST", body: truncated, headers: { "content-type": contentType, ...JSON_ACCEPT } });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: 400, message: "Malformed multipart body: Unexpected end of form." });
    await waitFor(() => readdirSync(uploads).length === 0);
    expect(readdirSync(uploads)).toEqual([]);
  });

  it("removes the temp files of an upload whose client goes away mid-body", async () => {
    const { body, contentType } = multipartBody([{ name: "f", value: Buffer.alloc(200_000, "x"), filename: "f.bin" }]);
    const socket = connect(app.address!.port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body.subarray(0, 100_000));
    // The first 100 KB are spooled to a temp file (memoryThreshold is 1 KB).
    await waitFor(() => readdirSync(uploads).length > 0);
    expect(readdirSync(uploads)).toHaveLength(1);
    socket.destroy();
    await waitFor(() => readdirSync(uploads).length === 0);
    expect(readdirSync(uploads)).toEqual([]);
  });

  it("answers an upload over the handler's body limit with 413", async () => {
    const form = new FormData();
    form.append("f", new Blob([Buffer.alloc(5 * 1024 * 1024)]), "huge.bin");
    const res = await call("/upload", { method: "POST", body: form, headers: JSON_ACCEPT });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ error: 413, message: "The request body is larger than the limit of 4194304 bytes." });
    await waitFor(() => readdirSync(uploads).length === 0);
    expect(readdirSync(uploads)).toEqual([]);
  });
});

describe("Response over a socket", () => {
  it("sends one Set-Cookie header per cookie", async () => {
    const res = await call("/cookies/ok");
    expect(res.headers["set-cookie"]).toEqual(["a=1; Path=/; HttpOnly", "b=2; Path=/; Secure; SameSite=Strict"]);
  });

  it("a cookie value with ; or a header value with CRLF never reaches the wire: 500, and it is logged", async () => {
    logged.length = 0;
    const cookie = await call("/cookies/bad", { headers: JSON_ACCEPT });
    expect(cookie.status).toBe(500);
    expect(cookie.headers["set-cookie"]).toBeUndefined();
    const header = await call("/header/bad", { headers: JSON_ACCEPT });
    expect(header.status).toBe(500);
    expect(header.headers["x-evil"]).toBeUndefined();
    expect(header.headers["set-cookie"]).toBeUndefined();
    expect(logged).toHaveLength(2);
  });

  it("serves files with ranges and conditional GET; refuses ../", async () => {
    const full = await call("/static/hello.txt");
    expect(full.status).toBe(200);
    expect(full.headers["content-length"]).toBe("18");
    expect(full.body).toBe("Hello, file world!");
    const part = await call("/static/hello.txt", { headers: { range: "bytes=7-10" } });
    expect(part.status).toBe(206);
    expect(part.headers["content-range"]).toBe("bytes 7-10/18");
    expect(part.body).toBe("file");
    const cached = await call("/static/hello.txt", { headers: { "if-none-match": String(full.headers.etag) } });
    expect(cached.status).toBe(304);
    expect(cached.body).toBe("");
    const unsatisfiable = await call("/static/hello.txt", { headers: { range: "bytes=100-" } });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers["content-range"]).toBe("bytes */18");
    // 404 from Response.file for an encoded / inside a segment.
    const encoded = await call("/static/..%2fsecret.txt");
    expect(encoded.status).toBe(404);
    expect(encoded.body).not.toContain("top secret");
    // Dot segments, sent raw (undici would resolve them): 400 from the path
    // guard (lib/security/path-guard.ts), before routing.
    for (const path of ["/static/../secret.txt", "/static/%2e%2e/secret.txt"]) {
      const rawTraversal = await raw(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(rawTraversal.startsWith("HTTP/1.1 400 Bad Request\r\n"), path).toBe(true);
      expect(rawTraversal).not.toContain("top secret");
    }
  });

  it("HEAD carries GET's headers without the body; 204 has no body", async () => {
    const get = await call("/static/hello.txt");
    const head = await call("/static/hello.txt", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers["content-length"]).toBe("18");
    expect(head.headers.etag).toBe(get.headers.etag);
    expect(head.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(head.body).toBe("");
    const empty = await raw("GET /no-content HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(empty.startsWith("HTTP/1.1 204 No Content\r\n")).toBe(true);
    expect(empty.endsWith("\r\n\r\n")).toBe(true);
    expect(empty.toLowerCase()).not.toContain("content-length");
  });
});

describe("clients that go away mid-response", () => {
  it("an endless stream is destroyed (its generator closed) with no unhandled error", async () => {
    events.length = 0;
    logged.length = 0;
    const unhandled: unknown[] = [];
    const onUnhandled = (error: unknown) => unhandled.push(error);
    process.on("unhandledRejection", onUnhandled);
    process.on("uncaughtException", onUnhandled);
    try {
      const controller = new AbortController();
      const res = await request(`${base}/endless`, { signal: controller.signal });
      let received = 0;
      await expect(
        (async () => {
          for await (const chunk of res.body) {
            received += (chunk as Buffer).length;
            if (received > 50_000) controller.abort();
          }
        })(),
      ).rejects.toThrow();
      await waitFor(() => events.includes("generator closed"));
      expect(events).toEqual(["generator closed"]);
      expect(unhandled).toEqual([]);
      expect(logged).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      process.off("uncaughtException", onUnhandled);
    }
    expect((await call("/static/hello.txt")).status).toBe(200);
  });

  it("a large file cut off by the client leaves no file handle open", async () => {
    // The descriptors this process holds on big.bin (Linux /proc).
    const fds = () =>
      readdirSync("/proc/self/fd").filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === join(publicDir, "big.bin");
        } catch {
          return false;
        }
      }).length;

    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      const res = await request(`${base}/static/big.bin`, { signal: controller.signal });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-length"]).toBe(String(8 * 1024 * 1024));
      await expect(
        (async () => {
          for await (const _chunk of res.body) controller.abort();
        })(),
      ).rejects.toThrow();
    }
    await waitFor(() => fds() === 0);
    expect(fds()).toBe(0);
  });
});

async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
}
