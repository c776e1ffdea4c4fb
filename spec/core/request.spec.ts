/**
 * Request: URL parts, headers, negotiation, cookies, and bodies read lazily,
 * once, under limits. In process, over `Request.blank` and
 * `app.getResponse`; spec/e2e/request-response.spec.ts does the same over
 * sockets.
 */
import { describe, expect, it } from "vitest";
import { Application, BadRequest, PayloadTooLarge, Request, RequestHandler, Response, Route, UnsupportedMediaType } from "../../lib/index.js";

const JSON_ACCEPT = { accept: "application/json" };

async function errorOf(res: Response) {
  return { status: res.status, body: await res.json() };
}

describe("Request URL parts", () => {
  it("splits path, raw path, query, host, hostname, port and scheme", () => {
    const request = Request.blank("https://Example.COM:8443/caf%C3%A9/a%2Fb?q=x+y&q=2#frag");
    expect(request.rawPath).toBe("/caf%C3%A9/a%2Fb");
    expect(request.path).toBe("/café/a/b");
    expect(request.queryString).toBe("q=x+y&q=2");
    expect(request.query.getAll("q")).toEqual(["x y", "2"]);
    expect(request.host).toBe("Example.COM:8443");
    expect(request.hostname).toBe("example.com");
    expect(request.port).toBe(8443);
    expect(request.scheme).toBe("https");
    expect(request.isSecure).toBe(true);
    expect(request.fullPath()).toBe("/caf%C3%A9/a%2Fb?q=x+y&q=2");
    expect(request.url).toBe("https://Example.COM:8443/caf%C3%A9/a%2Fb?q=x+y&q=2");
  });

  it("defaults the port to the scheme's and understands IPv6 hosts", () => {
    expect(Request.blank("http://example.com/").port).toBe(80);
    expect(Request.blank("https://example.com/").port).toBe(443);
    const v6 = Request.blank("http://[::1]:8080/");
    expect(v6.hostname).toBe("[::1]");
    expect(v6.port).toBe(8080);
    expect(Request.blank("http://[::1]/").hostname).toBe("[::1]");
    const plain = Request.blank("/a");
    expect(plain.host).toBe("localhost");
    expect(plain.isSecure).toBe(false);
    expect(plain.fullPath()).toBe("/a");
  });

  it("merges init.query after the path's query string", () => {
    const request = Request.blank("/s?a=1", { query: { b: ["2", "3"] } });
    expect(request.queryString).toBe("a=1&b=2&b=3");
  });

  it("ip is the blank request's remoteAddress (none by default)", () => {
    expect(Request.blank("/").ip).toBeUndefined();
    expect(Request.blank("/", { remoteAddress: "10.1.2.3" }).ip).toBe("10.1.2.3");
  });

  it("ignores X-Forwarded-* unless the app has trustProxy", async () => {
    const headers = { "x-forwarded-for": "203.0.113.9, 10.0.0.2", "x-forwarded-proto": "https", "x-forwarded-host": "shop.example:444" };
    const handler = (request: Request) => ({ ip: request.ip ?? null, scheme: request.scheme, host: request.host, port: request.port, secure: request.isSecure, url: request.url });
    const untrusted = new Application([["/", handler]]);
    expect(await (await untrusted.getResponse("/", { headers, remoteAddress: "10.0.0.2" })).json()).toEqual({
      ip: "10.0.0.2", scheme: "http", host: "localhost", port: 80, secure: false, url: "http://localhost/",
    });
    const trusted = new Application([["/", handler]], { trustProxy: true });
    expect(await (await trusted.getResponse("/", { headers, remoteAddress: "10.0.0.2" })).json()).toEqual({
      ip: "10.0.0.2", scheme: "https", host: "shop.example:444", port: 444, secure: true, url: "https://shop.example:444/",
    });
  });

  it("invalid percent-encoding in the path is a 400, not a crash", async () => {
    const app = new Application([["/raw/:name", (_r: Request, p: { name: string }) => p.name], [/^\/any\/.*$/, (r: Request) => r.path]]);
    expect(() => Request.blank("/bad/%E0%A4%A").path).toThrow(BadRequest);
    expect(await errorOf(await app.getResponse("/any/%E0%A4%A", { headers: JSON_ACCEPT }))).toEqual({
      status: 400,
      body: { error: 400, message: "The path has invalid percent-encoding." },
    });
    expect((await app.getResponse("/raw/%zz", { headers: JSON_ACCEPT })).status).toBe(400);
  });

  it("a query of 100,000 pairs is refused with a 400 in a few ms", async () => {
    const app = new Application([["/", (r: Request) => r.query.size]]);
    const started = performance.now();
    const res = await app.getResponse(`/?${"a=1&".repeat(100_000)}`, { headers: JSON_ACCEPT });
    expect(performance.now() - started).toBeLessThan(50);
    expect(await errorOf(res)).toEqual({ status: 400, body: { error: 400, message: "Too many parameters: more than 1000." } });
  });

  it("__proto__ in the query is an ordinary key", async () => {
    const app = new Application([["/", (r: Request) => ({ proto: r.get("__proto__"), ctor: r.get("constructor"), keys: r.arguments() })]]);
    const res = await app.getResponse("/?__proto__=x&constructor=y&__proto__%5Bpolluted%5D=1");
    expect(await res.json()).toEqual({ proto: "x", ctor: "y", keys: ["__proto__", "constructor", "__proto__[polluted]"] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("Request headers and negotiation", () => {
  it("headers are case-insensitive and multi-value aware", () => {
    const request = Request.blank("/", { headers: [["X-Tag", "a"], ["x-tag", "b"], ["Content-Type", "Text/Plain; Charset=ISO-8859-1"]] });
    expect(request.headers.get("X-TAG")).toBe("a, b");
    expect(request.headers.getAll("x-tag")).toEqual(["a", "b"]);
    expect(request.contentType).toBe("text/plain");
    expect(request.charset).toBe("iso-8859-1");
  });

  it("contentLength is the declared length, undefined when absent or not a number", () => {
    expect(Request.blank("/", { body: "12345" }).contentLength).toBe(5);
    expect(Request.blank("/").contentLength).toBeUndefined();
    expect(Request.blank("/", { headers: { "content-length": "12abc" } }).contentLength).toBeUndefined();
  });

  it("accepts() picks the client's preferred type among offers, shorthands included", () => {
    const browser = Request.blank("/", { headers: { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" } });
    expect(browser.accepts("json", "html")).toBe("html");
    expect(browser.accepts("application/json")).toBe("application/json");
    const api = Request.blank("/", { headers: { accept: "application/json, text/*;q=0.5" } });
    expect(api.accepts("html", "json")).toBe("json");
    expect(api.accepts("text/csv", "image/png")).toBe("text/csv");
    expect(api.accepts("image/png")).toBe(false);
    expect(Request.blank("/", { headers: { accept: "application/json;q=0" } }).accepts("json")).toBe(false);
    expect(Request.blank("/").accepts("json", "html")).toBe("json");
    expect(api.accepts()).toEqual(["application/json", "text/*"]);
  });

  it("acceptsLanguages() matches prefixes both ways, exact first", () => {
    const request = Request.blank("/", { headers: { "accept-language": "fr-CH, fr;q=0.9, en;q=0.8, *;q=0.1" } });
    expect(request.acceptsLanguages("en", "fr")).toBe("fr");
    expect(request.acceptsLanguages("en-US", "de")).toBe("en-US");
    expect(request.acceptsLanguages("de")).toBe("de");
    expect(request.acceptsLanguages()).toEqual(["fr-CH", "fr", "en", "*"]);
    expect(Request.blank("/").acceptsLanguages()).toEqual(["*"]);
    expect(Request.blank("/", { headers: { "accept-language": "en-GB" } }).acceptsLanguages("fr", "en")).toBe("en");
    expect(Request.blank("/", { headers: { "accept-language": "en" } }).acceptsLanguages("fr")).toBe(false);
  });

  it("acceptsEncodings() keeps identity acceptable unless refused; acceptsCharsets()", () => {
    expect(Request.blank("/", { headers: { "accept-encoding": "gzip, br;q=0.9" } }).acceptsEncodings("br", "gzip")).toBe("gzip");
    expect(Request.blank("/", { headers: { "accept-encoding": "gzip" } }).acceptsEncodings("br", "identity")).toBe("identity");
    expect(Request.blank("/", { headers: { "accept-encoding": "gzip, identity;q=0" } }).acceptsEncodings("identity")).toBe(false);
    expect(Request.blank("/", { headers: { "accept-charset": "utf-8, iso-8859-1;q=0.5" } }).acceptsCharsets("ISO-8859-1", "utf-8")).toBe("utf-8");
  });
});

describe("Request bodies", () => {
  it("body() reads once: the same promise and bytes every time", async () => {
    const request = Request.blank("/", { method: "POST", body: "hello" });
    const first = request.body();
    expect(request.body()).toBe(first);
    expect((await first).toString()).toBe("hello");
    expect(await request.text()).toBe("hello");
  });

  it("text() decodes with the Content-Type charset; an unknown one is a 415", async () => {
    const latin1 = Request.blank("/", { method: "POST", body: Buffer.from([0x63, 0x61, 0x66, 0xe9]), headers: { "content-type": "text/plain; charset=iso-8859-1" } });
    expect(await latin1.text()).toBe("café");
    const utf8 = Request.blank("/", { method: "POST", body: "café", headers: { "content-type": "text/plain" } });
    expect(await utf8.text()).toBe("café");
    const unknown = Request.blank("/", { method: "POST", body: "x", headers: { "content-type": "text/plain; charset=klingon" } });
    await expect(unknown.text()).rejects.toThrow('The body\'s charset "klingon" is not supported.');
    await expect(Request.blank("/", { method: "POST", body: "x", headers: { "content-type": "text/plain; charset=klingon" } }).text()).rejects.toBeInstanceOf(UnsupportedMediaType);
  });

  it("json() parses JSON and *+json; a BOM is ignored; __proto__ stays an own key", async () => {
    expect(await Request.blank("/", { method: "POST", json: { a: [1, 2] } }).json()).toEqual({ a: [1, 2] });
    const problem = Request.blank("/", { method: "POST", body: '{"x":1}', headers: { "content-type": "application/problem+json" } });
    expect(await problem.json()).toEqual({ x: 1 });
    const bom = Request.blank("/", { method: "POST", body: '\ufeff{"y":2}', headers: { "content-type": "application/json" } });
    expect(await bom.json()).toEqual({ y: 2 });
    const proto = await Request.blank("/", { method: "POST", body: '{"__proto__":{"polluted":1}}', headers: { "content-type": "application/json" } }).json<Record<string, unknown>>();
    expect(Object.keys(proto)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("json(): invalid JSON is a 400 saying so, a non-JSON type a 415 unless lenient", async () => {
    const app = new Application([
      ["/strict", async (r: Request) => r.json()],
      ["/lenient", async (r: Request) => r.json({ lenient: true })],
    ]);
    const bad = await app.getResponse("/strict", { method: "POST", body: '{"a":', headers: { "content-type": "application/json", ...JSON_ACCEPT } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/^The request body is not valid JSON: /);
    const wrongType = await app.getResponse("/strict", { method: "POST", body: '{"a":1}', headers: { "content-type": "text/plain", ...JSON_ACCEPT } });
    expect(await errorOf(wrongType)).toEqual({
      status: 415,
      body: { error: 415, message: 'Expected a JSON body (Content-Type: application/json), got "text/plain".' },
    });
    const none = await app.getResponse("/strict", { method: "POST", body: '{"a":1}', headers: JSON_ACCEPT });
    expect(await errorOf(none)).toEqual({ status: 415, body: { error: 415, message: "Expected a JSON body (Content-Type: application/json), got none." } });
    const lenient = await app.getResponse("/lenient", { method: "POST", body: '{"a":1}', headers: { "content-type": "text/plain" } });
    expect(lenient.status).toBe(200);
    expect(await lenient.json()).toEqual({ a: 1 });
  });

  it("json(): a charset other than UTF-8 is a 415 (RFC 8259 §8.1), unless lenient", async () => {
    const app = new Application([
      ["/strict", async (r: Request) => r.json()],
      ["/lenient", async (r: Request) => r.json({ lenient: true })],
    ]);
    const body = Buffer.from('{"a":1}', "utf16le");
    const headers = { "content-type": "application/json; charset=utf-16le", ...JSON_ACCEPT };
    expect(await errorOf(await app.getResponse("/strict", { method: "POST", body, headers }))).toEqual({
      status: 415,
      body: { error: 415, message: 'A JSON body is UTF-8 (RFC 8259), not "utf-16le": send it as UTF-8, without a charset or with charset=utf-8.' },
    });
    const lenient = await app.getResponse("/lenient", { method: "POST", body, headers });
    expect(await lenient.json()).toEqual({ a: 1 });
  });

  it("an oversized JSON body is a 413 with Connection: close (app limit)", async () => {
    const app = new Application([["/", async (r: Request) => r.json()]], { bodyLimit: 100 });
    const res = await app.getResponse("/", { method: "POST", json: { data: "x".repeat(200) }, headers: JSON_ACCEPT });
    expect(res.status).toBe(413);
    expect(res.headers.get("connection")).toBe("close");
    expect(await res.json()).toEqual({ error: 413, message: "The request body is larger than the limit of 100 bytes." });
  });

  it("the limit is the route's, else the handler class's static bodyLimit, else the app's; a read may pass its own", async () => {
    class Small extends RequestHandler {
      static bodyLimit = 10;
      async post() {
        return { limit: this.request.bodyLimit, size: (await this.request.body()).length };
      }
    }
    const app = new Application(
      [
        new Route("/route", Small, { bodyLimit: 50 }),
        ["/handler", Small],
        ["/app", async (r: Request) => ({ limit: r.bodyLimit, size: (await r.body()).length })],
        ["/call", async (r: Request) => (await r.body({ limit: 5 })).length],
      ],
      { bodyLimit: 30 },
    );
    const post = (path: string, size: number) => app.getResponse(path, { method: "POST", body: "x".repeat(size), headers: JSON_ACCEPT });
    expect(await (await post("/route", 40)).json()).toEqual({ limit: 50, size: 40 });
    expect((await post("/route", 51)).status).toBe(413);
    expect(await (await post("/handler", 10)).json()).toEqual({ limit: 10, size: 10 });
    expect((await post("/handler", 11)).status).toBe(413);
    expect(await (await post("/app", 30)).json()).toEqual({ limit: 30, size: 30 });
    expect((await post("/app", 31)).status).toBe(413);
    expect((await post("/call", 6)).status).toBe(413);
    expect(new Application().bodyLimit).toBe(1024 * 1024);
  });

  it("form() parses urlencoded bodies into an immutable map; other types give an empty one", async () => {
    const form = await Request.blank("/", { method: "POST", form: { name: "Ada", tag: ["a", "b"] } }).form();
    expect(form.get("name")).toBe("Ada");
    expect(form.getAll("tag")).toEqual(["a", "b"]);
    expect(form.mutable).toBe(false);
    const none = await Request.blank("/", { method: "POST", json: { a: 1 } }).form();
    expect(none.size).toBe(0);
  });

  it("a form of 100,000 pairs is refused with a 400 in a few ms", async () => {
    const app = new Application([["/", async (r: Request) => (await r.form()).size]]);
    const started = performance.now();
    const res = await app.getResponse("/", { method: "POST", body: "a=1&".repeat(100_000), headers: { "content-type": "application/x-www-form-urlencoded", ...JSON_ACCEPT } });
    expect(performance.now() - started).toBeLessThan(50);
    expect(await errorOf(res)).toEqual({ status: 400, body: { error: 400, message: "Too many parameters: more than 1000." } });
  });
});

describe("request.get(), getAll(), arguments() and param()", () => {
  it("read the query, and the form once it has been read (webapp2 semantics)", async () => {
    const request = Request.blank("/?a=q1&b=q2", { method: "POST", form: { a: "f1", c: "f3" } });
    expect(request.get("a")).toBe("q1");
    expect(request.get("c")).toBeUndefined();
    expect(request.get("c", "default")).toBe("default");
    expect(request.arguments()).toEqual(["a", "b"]);
    await request.form();
    expect(request.get("c")).toBe("f3");
    expect(request.getAll("a")).toEqual(["q1", "f1"]);
    expect(request.arguments()).toEqual(["a", "b", "c"]);
  });

  it("param() reads the form first, in one await", async () => {
    const request = Request.blank("/?a=q", { method: "POST", form: { b: "f" } });
    expect(await request.param("a")).toBe("q");
    expect(await request.param("b")).toBe("f");
    expect(await request.param("zzz", "none")).toBe("none");
  });

  it("getAll() returns a fresh array", () => {
    const request = Request.blank("/?a=1");
    request.getAll("a").push("2");
    expect(request.getAll("a")).toEqual(["1"]);
  });
});

describe("request.onEnd() and close()", () => {
  it("runs callbacks once when getResponse() resolves; a later one runs at once", async () => {
    const calls: string[] = [];
    let seen: Request | undefined;
    const app = new Application([["/", (r: Request) => { seen = r; r.onEnd(() => calls.push("end")); return "ok"; }]]);
    const res = await app.getResponse("/");
    expect(res.status).toBe(200);
    expect(calls).toEqual(["end"]);
    await seen!.close();
    expect(calls).toEqual(["end"]);
    seen!.onEnd(() => calls.push("late"));
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(["end", "late"]);
  });

  it("a failing callback is logged, and the others still run", async () => {
    const logged: unknown[] = [];
    const calls: string[] = [];
    const app = new Application(
      [["/", (r: Request) => { r.onEnd(() => { throw new Error("nope"); }); r.onEnd(() => calls.push("second")); return "ok"; }]],
      { logger: { error: (...args: unknown[]) => logged.push(args[0]) } },
    );
    expect((await app.getResponse("/")).status).toBe(200);
    expect(calls).toEqual(["second"]);
    expect(logged).toHaveLength(1);
    expect(String(logged[0])).toContain("an onEnd callback failed");
  });
});

it("PayloadTooLarge is what body() rejects with past the limit", async () => {
  const request = Request.blank("/", { method: "POST", body: "x".repeat(20) });
  await expect(request.body({ limit: 10 })).rejects.toBeInstanceOf(PayloadTooLarge);
});

describe("request.signedCookie()", () => {
  it("is a TypeError on an app with no secrets, saying how to make one", () => {
    expect(() => Request.blank("/", { headers: { cookie: "a=b" } }).signedCookie("a")).toThrow(
      /^request\.signedCookie\(\) signs cookies with the application's secrets, and it has none: .* make one with: node -e/,
    );
  });

  it("reads an unsigned, absent or forged cookie as undefined, and honours maxAge", async () => {
    const app = new Application([], { secrets: ["k".repeat(32)] });
    app.route("/set")(() => new Response("ok").setSignedCookie("a", "v"));
    app.route("/read")((request: Request) => ({ plain: request.signedCookie("plain") ?? null, a: request.signedCookie("a") ?? null, young: request.signedCookie("a", { maxAge: 0 }) ?? null }));
    const cookie = (await app.getResponse("/set")).headers.get("set-cookie")!.split(";")[0]!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await (await app.getResponse("/read", { headers: { cookie: `plain=v; ${cookie}` } })).json()).toEqual({ plain: null, a: "v", young: null });
  });
});
