/**
 * Attacks through responses and redirects, over raw sockets with
 * the five invariants: open redirects through the same-site redirect helper
 * (lib/security/safe-redirect.ts), `javascript:` targets, writes after the response
 * was sent, `Content-Length` against the bytes sent, and `nosniff` on
 * error pages.
 */
import { describe, expect, it } from "vitest";
import { RequestHandler, type Request } from "../../lib/index.js";
import { attack, get, parseOne, post, targets } from "../support/attack-harness.js";

const start = targets();

describe("the same-site redirect helper never sends the client off site", () => {
  const cases: [string, string][] = [
    ["//evil.example", "/"],
    ["//evil.example/login", "/"],
    ["/\\evil.example", "/"],
    ["\\\\evil.example", "/"],
    ["/\t/evil.example", "/"],
    ["/\n/evil.example", "/"],
    [" //evil.example", "/"],
    ["/a/../..//evil.example", "/evil.example"],
    ["/%2e%2e//evil.example", "/evil.example"],
    ["https://evil.example/", "/"],
    ["HTTPS:evil.example", "/"],
    ["javascript:alert(1)", "/"],
    ["java\tscript:alert(1)", "/"],
    ["data:text/html,<script>alert(1)</script>", "/"],
    ["evil.example", "/"],
    ["/account?tab=2#top", "/account?tab=2#top"],
    ["/a//b/./c/", "/a/b/c/"],
  ];
  for (const [to, location] of cases) {
    it(`?to=${JSON.stringify(to)} redirects to ${location}`, async () => {
      const target = await start();
      const result = await attack(target, get(`/go?to=${encodeURIComponent(to)}`));
      expect(result.response.status).toBe(302);
      expect(result.response.headers.location).toBe(location);
      expect(result.response.body).toBe("");
      expect(result.reused).toBe(true);
    });
  }
});

describe("redirect targets that may never be sent", () => {
  it("Response.redirect and a [302, location] tuple refuse javascript:, data: and vbscript: (500, no Location)", async () => {
    const target = await start(undefined, (app) => app.route("/tuple")((request: Request) => [302, request.query.get("to") ?? "/"]));
    for (const path of ["/redirect-raw", "/tuple"]) {
      for (const to of ["javascript:alert(1)", " JavaScript:alert(1)", "java%0Ascript:alert(1)", "data:text/html,x", "vbscript:x"]) {
        const result = await attack(target, get(`${path}?to=${to.replaceAll(" ", "%20")}`));
        expect(result.response.status, `${path} ${to}`).toBe(500);
        expect(result.response.headers.location).toBeUndefined();
      }
    }
    target.logged.length = 0;
  });

  it("a redirect answers with an empty body: no HTML to carry the target", async () => {
    const target = await start();
    const result = await attack(target, get(`/redirect-raw?to=${encodeURIComponent('/x"><script>alert(1)</script>')}`));
    expect(result.response.status).toBe(302);
    expect(result.response.headers["content-length"]).toBe("0");
    expect(result.response.body).toBe("");
  });
});

describe("writes after the response", () => {
  it("a write to this.response after it was sent, and a second send, never crash the process", async () => {
    let later: Promise<void> | undefined;
    class WriteLate extends RequestHandler {
      get() {
        this.response.write("sent");
        later = new Promise((resolve) =>
          setTimeout(() => {
            this.response.write("too late");
            this.response.setStatus(500);
            resolve();
          }, 20),
        );
      }
    }
    const target = await start(undefined, (app) => app.route("/write-late")(WriteLate));
    const result = await attack(target, get("/write-late"));
    expect(result.response.body).toBe("sent");
    await later;
    expect(result.reused).toBe(true);
  });

  it("a handler that ends the socket itself leaves the process up and nothing leaked", async () => {
    const target = await start(undefined, (app) =>
      app.route("/raw-end")((request: Request) => {
        request.raw!.socket.end("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nraw");
        return "framework answer";
      }),
    );
    const result = await attack(target, get("/raw-end"));
    expect(result.response.body).toBe("raw");
    expect(result.closed).toBe(true);
  });
});

describe("Content-Length always matches the bytes sent", () => {
  it("for text, multi-byte text, bytes, JSON, HEAD, redirects, 204 and error pages, pipelined on one connection", async () => {
    const target = await start(undefined, (app) => {
      app.route("/utf8")(() => "héllo wörld ✓ 🎉");
      app.route("/bytes")(() => Buffer.from([0, 1, 2, 255]));
      app.route("/json-unicode")(() => ({ text: "ünïcödé \u2028 🎉" }));
      app.route("/nothing")(() => 204);
    });
    const requests = [
      get("/utf8"),
      get("/bytes"),
      get("/json-unicode"),
      "HEAD /utf8 HTTP/1.1\r\nHost: x\r\n\r\n",
      get("/nothing"),
      get("/go?to=/x"),
      get("/missing", { accept: "text/html" }),
      get("/users/%zz", { accept: "application/json" }),
      get("/throw"),
      post("/json", "{bad", { "Content-Type": "application/json" }).toString("latin1"),
    ];
    const { open, ResponseReader } = await import("../support/attack-harness.js");
    const socket = await open(target.port);
    const reader = new ResponseReader(socket);
    // HEAD's answer has a Content-Length but no body: read it alone.
    const answers = [];
    for (const bytes of requests) {
      const head = bytes.startsWith("HEAD");
      socket.write(bytes);
      if (head) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const end = reader.text.indexOf("\r\n\r\n");
        const parsed = parseOne(reader.text.slice(0, end + 4), true)!;
        reader.text = reader.text.slice(end + 4);
        expect(parsed.response.headers["content-length"]).toBe(String(Buffer.byteLength("héllo wörld ✓ 🎉")));
        continue;
      }
      const [answer] = await reader.next(1, 1_000);
      expect(answer, `no whole answer to ${bytes.split("\r\n")[0]}`).toBeDefined();
      answers.push(answer!);
    }
    socket.destroy();
    for (const answer of answers) {
      const length = answer.headers["content-length"];
      if (answer.status === 204) {
        expect(length).toBeUndefined();
        continue;
      }
      // The reader framed the body by Content-Length; the next answer parsing proves no byte more was sent.
      expect(answer.bodyLength, `${answer.status} ${answer.body.slice(0, 40)}`).toBe(Number(length));
    }
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 204, 302, 404, 400, 500, 400]);
    expect(answers[0]!.body).toBe("héllo wörld ✓ 🎉");
    expect(answers[1]!.bodyLength).toBe(4);
    expect(JSON.parse(answers[2]!.body)).toEqual({ text: "ünïcödé \u2028 🎉" });
    expect(reader.leftover).toBe("");
    target.logged.length = 0;
  });
});

describe("error pages", () => {
  it("carry X-Content-Type-Options: nosniff for every status and format", async () => {
    const target = await start(undefined, (app) => app.route("/only-get", { methods: ["GET"] })(() => "x"));
    const cases: [string | Buffer, number][] = [
      [get("/missing"), 404],
      [get("/users/%zz"), 400],
      [get("/throw"), 500],
      ["DELETE /only-get HTTP/1.1\r\nHost: x\r\n\r\n", 405],
      ["PROPFIND / HTTP/1.1\r\nHost: x\r\n\r\n", 501],
      [post("/json", "{}", { "Content-Type": "text/plain" }), 415],
      [get(`/users/${"a".repeat(2_000)}`), 414],
    ];
    for (const accept of ["text/html", "application/json", "*/*"]) {
      for (const [bytes, status] of cases) {
        const withAccept = Buffer.isBuffer(bytes) ? bytes.toString("latin1") : bytes;
        const result = await attack(target, withAccept.replace("\r\n\r\n", `\r\nAccept: ${accept}\r\n\r\n`).replace(`Host: x\r\n`, "Host: x\r\n"));
        expect(result.response.status).toBe(status);
        expect(result.response.headers["x-content-type-options"], `${status} ${accept}`).toBe("nosniff");
      }
    }
    target.logged.length = 0;
  });
});
