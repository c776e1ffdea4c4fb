/**
 * The core over real sockets: the same behaviours as the in-process specs,
 * through app.listen() and undici.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Application, RequestHandler, Route, type Request } from "../../lib/index.js";
import { fetchResult, raw as rawBytes } from "../support/socket-client.js";

class ProductHandler extends RequestHandler {
  async get(productId: string) {
    this.response.write(`You requested product ${productId}.`);
  }
}

class UserHandler extends RequestHandler {
  get(params: { id: string }) {
    return { id: params.id, self: this.uriFor("user", { id: params.id }) };
  }
  put() {
    return 204;
  }
}

const logged: unknown[][] = [];
const app = new Application(
  [
    [/^\/products\/(\d+)$/, ProductHandler],
    new Route("/users/:id", UserHandler, { name: "user", methods: ["GET", "PUT"] }),
    ["/files/:name", (_request: Request, params: { name: string }) => `file ${params.name}`],
    ["/where", (request: Request) => request.rawPath],
    ["/boom", () => Promise.reject(new Error("kaput"))],
    [
      "/broken-stream",
      async function* () {
        yield "first chunk\n";
        await new Promise((r) => setTimeout(r, 10));
        throw new Error("stream failed after the head was sent");
      },
    ],
  ],
  { logger: { error: (...args: unknown[]) => logged.push(args) } },
);
app.route("/")(() => "Hello, world!");

let base = "";
beforeAll(async () => {
  await app.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${app.address!.port}`;
});
afterAll(() => app.close());

const get = (path: string, options?: Parameters<typeof fetchResult>[1]) => fetchResult(`${base}${path}`, options);

const raw = (bytes: string, ms?: number) => rawBytes(app.address!.port, bytes, ms);

describe("core over a socket", () => {
  it("serves a function handler", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["content-length"]).toBe("13");
    expect(res.body).toBe("Hello, world!");
  });

  it("serves a class handler with positional args", async () => {
    const res = await get("/products/42");
    expect(res.status).toBe(200);
    expect(res.body).toBe("You requested product 42.");
  });

  it("serves JSON with named params and URL building", async () => {
    const res = await get("/users/7");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(res.body)).toEqual({ id: "7", self: "/users/7" });
  });

  it("answers 404, 405 with Allow, and 501", async () => {
    expect((await get("/nowhere")).status).toBe(404);
    const wrong = await get("/users/7", { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe("GET, HEAD, OPTIONS, PUT");
    // Node's parser refuses methods it does not know (400); a WebDAV verb it
    // knows but the app does not allow gets 501.
    expect((await get("/", { method: "PROPFIND" as "GET" })).status).toBe(501);
  });

  it("answers HEAD with GET's headers and no body", async () => {
    const res = await get("/", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe("13");
    expect(res.body).toBe("");
  });

  it("decodes %2F inside a parameter once, and answers 400 for invalid encoding", async () => {
    const res = await get("/files/a%2Fb%2520c");
    expect(res.body).toBe("file a/b%20c");
    expect((await get("/files/%E0%A4%A")).status).toBe(400);
  });

  it("treats //evil.example/x as a path, never a host", async () => {
    const res = await raw("GET //evil.example/where HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    expect(res.startsWith("HTTP/1.1 404 Not Found\r\n")).toBe(true);
    const where = await raw("GET /where HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    expect(where.endsWith("\r\n\r\n/where")).toBe(true);
  });

  it("answers 500 for a rejected handler, logs once, and keeps serving", async () => {
    logged.length = 0;
    const res = await get("/boom", { headers: { accept: "application/json" } });
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ error: 500, message: "Internal Server Error" });
    expect(logged).toHaveLength(1);
    expect((await get("/")).status).toBe(200);
  });

  it("ends the connection cleanly when a stream fails after the head was sent", async () => {
    const text = await raw("GET /broken-stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 2000);
    expect(text.startsWith("HTTP/1.1 200 OK\r\n")).toBe(true);
    expect(text.toLowerCase()).toContain("transfer-encoding: chunked");
    expect(text).toContain("first chunk\n");
    // Cut, not finished: no terminating zero-length chunk, and no second head.
    expect(text.endsWith("0\r\n\r\n")).toBe(false);
    expect(text.match(/HTTP\/1\.1/g)).toHaveLength(1);
    expect((await get("/")).status).toBe(200);
  });
});
