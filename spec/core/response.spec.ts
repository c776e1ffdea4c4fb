/**
 * Response: bodies of every kind, status and reason, headers, content type
 * and length, helpers, and what prepare() settles for HEAD/204/304.
 */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { Application, Request, RequestHandler, Response } from "../../lib/index.js";

describe("new Response(body, status, headers)", () => {
  it("a string is HTML (utf-8) with its byte length", () => {
    const res = new Response("<p>é</p>", 201, { "X-Trace": "abc" });
    res.prepare(false);
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-length")).toBe("9");
    expect(res.headers.get("x-trace")).toBe("abc");
    expect(res.body.toString()).toBe("<p>é</p>");
  });

  it("bytes are application/octet-stream", () => {
    const res = new Response(new Uint8Array([1, 2, 3]));
    res.prepare(false);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.contentLength).toBe(3);
  });

  it("an object or array is JSON", async () => {
    const res = new Response({ a: 1 });
    expect(res.contentType).toBe("application/json");
    expect(await res.json()).toEqual({ a: 1 });
    expect(await new Response([1, "two"]).text()).toBe('[1,"two"]');
  });

  it("iterables, async iterables, Node Readables and web ReadableStreams stream", async () => {
    function* sync() { yield "a"; yield Buffer.from("b"); }
    async function* later() { yield "c"; yield "d"; }
    const web = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(new TextEncoder().encode("web")); c.close(); } });
    const bodies = [new Response(sync()), new Response(later()), new Response(Readable.from(["no", "de"])), new Response(web)];
    for (const res of bodies) expect(res.isStreaming).toBe(true);
    expect(await Promise.all(bodies.map((r) => r.text()))).toEqual(["ab", "cd", "node", "web"]);
    const streamed = new Response(later());
    streamed.prepare(false);
    expect(streamed.headers.get("content-type")).toBe("application/octet-stream");
    expect(streamed.headers.has("content-length")).toBe(false);
    expect(streamed.contentLength).toBeUndefined();
  });

  it("refuses header values with CR or LF (no header injection)", () => {
    expect(() => new Response("x", 200, { location: "/a\r\nSet-Cookie: admin=1" })).toThrow(
      'Invalid value for header "location": CR, LF, NUL and other control characters are not allowed (header injection), nor characters outside Latin-1 (percent-encode them, or use RFC 8187 for parameters).',
    );
    const res = new Response("x");
    expect(() => res.headers.set("x-a", "1\n2")).toThrow(TypeError);
    expect(() => Response.redirect("/next\r\nX-Evil: 1")).toThrow(TypeError);
  });
});

describe("write() and clear()", () => {
  it("write() appends like a file; contentLength follows", () => {
    const res = new Response();
    res.write("Hello, ").write(Buffer.from("wörld"));
    expect(res.body.toString()).toBe("Hello, wörld");
    expect(res.contentLength).toBe(13);
    res.clear();
    expect(res.contentLength).toBe(0);
  });

  it("writing to a streaming response is an error that says why", () => {
    const res = new Response(Readable.from(["x"]));
    expect(() => res.write("more")).toThrow("Cannot write() to a streaming response: its body comes from a stream or iterable.");
    expect(() => res.body).toThrow("This response streams its body: read it with await res.text() or res.bytes().");
  });

  it("clear() destroys a Readable body", () => {
    const stream = Readable.from(["x"]);
    const res = new Response(stream);
    res.clear();
    expect(stream.destroyed).toBe(true);
    expect(res.isStreaming).toBe(false);
  });
});

describe("status and statusMessage", () => {
  it("uses the standard reason phrase unless a custom one is set", () => {
    const res = new Response(undefined, 418);
    expect(res.statusMessage).toBe("I'm a Teapot");
    res.setStatus(299, "Custom Thing");
    expect(res.status).toBe(299);
    expect(res.statusMessage).toBe("Custom Thing");
    res.status = 404;
    expect(res.statusMessage).toBe("Not Found");
    res.statusMessage = "Nope";
    expect(res.statusMessage).toBe("Nope");
    expect(new Response(undefined, 599).statusMessage).toBe("Unknown Status");
  });

  it("refuses invalid codes and reason phrases with CR/LF", () => {
    const res = new Response();
    expect(() => res.setStatus(99)).toThrow("A response status is an integer from 200 to 599, not 99.");
    expect(() => res.setStatus(200.5)).toThrow(RangeError);
    expect(() => res.setStatus(200, "OK\r\nX-Evil: 1")).toThrow(
      'Invalid status message "OK\\r\\nX-Evil: 1": control characters (CR, LF, NUL, ...) and characters outside Latin-1 are not allowed.',
    );
    expect(() => { res.statusMessage = "a\nb"; }).toThrow(TypeError);
  });
});

describe("contentType and charset", () => {
  it("setting a text/* type adds charset=utf-8; other types stay as set", () => {
    const res = new Response("x");
    expect(res.contentType).toBe("text/html");
    expect(res.charset).toBe("utf-8");
    res.contentType = "text/plain";
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    res.contentType = "application/xml";
    expect(res.headers.get("content-type")).toBe("application/xml");
    expect(res.charset).toBeUndefined();
    res.charset = "iso-8859-1";
    expect(res.headers.get("content-type")).toBe("application/xml; charset=iso-8859-1");
    res.contentType = "text/csv; charset=utf-16";
    expect(res.charset).toBe("utf-16");
  });
});

describe("headers", () => {
  it("are case-insensitive with append, has and delete", () => {
    const res = new Response();
    res.headers.append("Vary", "Accept").append("vary", "Cookie");
    expect(res.headers.getAll("VARY")).toEqual(["Accept", "Cookie"]);
    expect(res.headers.has("vary")).toBe(true);
    res.headers.delete("Vary");
    expect(res.headers.has("vary")).toBe(false);
  });
});

describe("Response helpers", () => {
  it("Response.json(data, status, headers)", async () => {
    const res = Response.json({ id: 7 }, 201, { "x-a": "1" });
    res.prepare(false);
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("content-length")).toBe("8");
    expect(res.headers.get("x-a")).toBe("1");
    expect(await res.json()).toEqual({ id: 7 });
  });

  it("Response.redirect() is 302 by default; 301, 303, 307, 308 on request; never a non-3xx", () => {
    const res = Response.redirect("/login");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login");
    for (const status of [301, 303, 307, 308]) expect(Response.redirect("/x", status).status).toBe(status);
    expect(() => Response.redirect("/x", 200)).toThrow("A redirect status is 3xx, not 200.");
  });

  it("Response.notModified() is a 304 with the given validators and no body", () => {
    const res = Response.notModified({ etag: '"abc"', "cache-control": "max-age=60" });
    res.write("ignored");
    res.prepare(false);
    expect(res.status).toBe(304);
    expect(res.headers.get("etag")).toBe('"abc"');
    expect(res.headers.has("content-length")).toBe(false);
    expect(res.payload).toBe("");
  });
});

describe("prepare(): HEAD, 204 and 304 through the application", () => {
  class Page extends RequestHandler {
    get() {
      this.response.headers.set("x-page", "1");
      return "<h1>page</h1>";
    }
  }
  const app = new Application([
    ["/page", Page],
    ["/empty", () => [null, 204, { "content-type": "text/plain" }]],
    ["/not-modified", () => { const r = new Response("body", 304); r.headers.set("etag", '"x"'); return r; }],
  ]);

  it("HEAD carries the headers of GET, Content-Length included, without the body", async () => {
    const get = await app.getResponse("/page");
    const head = await app.getResponse("/page", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect([...head.headers]).toEqual([...get.headers]);
    expect(head.headers.get("content-length")).toBe("13");
    expect(await head.text()).toBe("");
    expect(await get.text()).toBe("<h1>page</h1>");
  });

  it("HEAD on a streaming response destroys the stream instead of reading it", async () => {
    let finished = false;
    const app = new Application([["/s", async function* () { try { yield "a"; yield "b"; } finally { finished = true; } }]]);
    const head = await app.getResponse(Request.blank("/s", { method: "HEAD" }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(finished).toBe(false);
  });

  it("204 and 304 never carry a body or Content-Length", async () => {
    const empty = await app.getResponse("/empty");
    expect(empty.status).toBe(204);
    expect(empty.headers.has("content-length")).toBe(false);
    expect(empty.headers.has("content-type")).toBe(false);
    expect(await empty.text()).toBe("");
    const notModified = await app.getResponse("/not-modified");
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("etag")).toBe('"x"');
    expect(notModified.headers.has("content-length")).toBe(false);
    expect(await notModified.text()).toBe("");
  });
});

describe("response.setSignedCookie()", () => {
  const SECRETS = ["a".repeat(32)];

  it("signs with the current request's keys, for the handler's response and a new one alike", async () => {
    const app = new Application([], { secrets: SECRETS });
    app.route("/own")(() => new Response("x").setSignedCookie("a", "1", { maxAge: 30 }));
    class Handler extends RequestHandler {
      get() {
        this.response.setSignedCookie("b", "2");
      }
    }
    app.route("/handler")(Handler);
    app.route("/read")((request: Request) => [request.signedCookie("a") ?? null, request.signedCookie("b") ?? null]);
    const a = (await app.getResponse("/own")).headers.get("set-cookie")!;
    const b = (await app.getResponse("/handler")).headers.get("set-cookie")!;
    expect(a).toMatch(/^a=MQ\.[0-9a-z]+\.u\.[A-Za-z0-9_-]{43}; Max-Age=30; Path=\/$/);
    expect(b).toMatch(/^b=Mg\.[0-9a-z]+\.\.[A-Za-z0-9_-]{43}; Path=\/$/);
    const cookie = [a, b].map((line) => line.split(";")[0]).join("; ");
    expect(await (await app.getResponse("/read", { headers: { cookie } })).json()).toEqual(["1", "2"]);
  });

  it("is a TypeError with no secrets, outside a request, for a non-string, and over 4 KB", async () => {
    const logged: unknown[][] = [];
    const logger = { error: (...args: unknown[]) => logged.push(args) };
    const none = new Application([["/", () => new Response().setSignedCookie("a", "1")]], { logger });
    expect((await none.getResponse("/")).status).toBe(500);
    expect((logged[0]![1] as Error).message).toMatch(/^response\.setSignedCookie\(\) signs cookies with the application's secrets, and it has none: pass new Application/);
    expect(() => new Response().setSignedCookie("a", "1")).toThrow(
      new TypeError("response.setSignedCookie() signs with the keys of the current request, and there is none: call it while handling a request, in an app whose context option is on (the default)."),
    );
    const app = new Application([], { secrets: SECRETS, logger });
    app.route("/object")(() => new Response().setSignedCookie("a", { a: 1 } as never));
    app.route("/big")(() => new Response().setSignedCookie("a", "x".repeat(3100)));
    app.route("/fits")(() => new Response().setSignedCookie("a", "x".repeat(2900)));
    expect((await app.getResponse("/object")).status).toBe(500);
    expect((await app.getResponse("/big")).status).toBe(500);
    expect((await app.getResponse("/fits")).status).toBe(200);
    expect((logged[1]![1] as Error).message).toBe("A signed cookie's value is a string, not object: JSON.stringify() it first.");
    expect((logged[2]![1] as Error).message).toMatch(/^Cookie "a" is 4\d{3} bytes, over the 4096 bytes browsers keep \(they drop it without a word\): store less in it/);
  });
});
