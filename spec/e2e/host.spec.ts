/**
 * The host a request names is checked before routing (RFC 9112 §3.2, RFC
 * 9113 §8.3.1): not `uri-host [":" port]`, two Host lines, HTTP/2
 * `:authority` and `host` that disagree, or a host outside `allowedHosts`
 * is a 400, so full URLs built from it cannot point elsewhere.
 */
import { connect as http2Connect, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Application, RequestHandler, Route, type Request } from "../../lib/index.js";
import { bothWays } from "../support/both-ways.js";
import { selfSignedCert, type TestCert } from "../support/tls-cert.js";

class Item extends RequestHandler {
  get() {
    return this.redirectTo("item", { id: 7 }, { full: true });
  }
}

function routes() {
  return [
    new Route("/items/:id", Item, { name: "item" }),
    ["/whoami", (request: Request) => ({ host: request.host, url: request.url })] as const,
  ];
}

const status = (answer: string) => answer.slice(0, 12);
const head = (host: string | undefined, path = "/items/7") => `GET ${path} HTTP/1.1\r\n${host === undefined ? "" : `Host: ${host}\r\n`}Connection: close\r\n\r\n`;

describe("the Host header", () => {
  const served = bothWays(() => new Application(routes() as never, { logger: { error() {} } }));

  const invalid = ["good.example@evil.example", "evil.example/x?", "evil.example#", "evil.example?", "a b", "", "x:99999", "x:", "x:-1", ":80", "[::1", "[zz::1]", "good.example:80:80", "é.example", "a,b"];
  for (const host of invalid) {
    it(`${JSON.stringify(host)} is a 400 over a socket and in process, never a Location`, async () => {
      const answer = await served.rawBytes(head(host), 1_000);
      expect(status(answer)).toBe("HTTP/1.1 400");
      expect(answer).not.toMatch(/^location:/im);
      const inProcess = await served.inProcess("/items/7", { headers: { host } });
      expect(inProcess.status).toBe(400);
      expect(inProcess.headers.location).toBeUndefined();
      expect(inProcess.body).toBe("400 Bad Request\nThe Host header is not a valid host (a name or address, then an optional :port).\n");
    });
  }

  it("two Host lines are a 400 (Node keeps the first; RFC 9112 says refuse)", async () => {
    expect(status(await served.rawBytes("GET /items/7 HTTP/1.1\r\nHost: good.example\r\nhost: evil.example\r\nConnection: close\r\n\r\n", 1_000))).toBe("HTTP/1.1 400");
    const inProcess = await served.inProcess("/items/7", { headers: [["host", "good.example"], ["host", "evil.example"]] });
    expect(inProcess.status).toBe(400);
  });

  it("a valid host is served, and full URLs are built from it", async () => {
    for (const host of ["good.example", "good.example:8080", "GOOD.example", "127.0.0.1:1", "[::1]:65535", "[::ffff:127.0.0.1]", "under_score.local", "good.example."]) {
      const answer = await served.rawBytes(head(host), 1_000);
      expect(status(answer), host).toBe("HTTP/1.1 302");
      expect(answer).toContain(`\r\nlocation: http://${host}/items/7\r\n`);
      expect((await served.inProcess("/items/7", { headers: { host } })).headers.location).toBe(`http://${host}/items/7`);
    }
  });

  it("HTTP/1.0 without a Host is served (it has none to check)", async () => {
    expect(status(await served.rawBytes("GET /whoami HTTP/1.0\r\n\r\n", 1_000))).toBe("HTTP/1.1 200");
  });
});

describe("allowedHosts", () => {
  const served = bothWays(() => new Application(routes() as never, { allowedHosts: ["good.example", ".example.org", "127.0.0.1"] }));

  it("serves the hosts listed (any port, subdomains for a leading dot) and answers 400 to the others", async () => {
    const cases: [string, string][] = [
      ["good.example", "302"],
      ["good.example:8080", "302"],
      ["Good.Example", "302"],
      ["example.org", "302"],
      ["www.example.org", "302"],
      ["127.0.0.1:9", "302"],
      ["evil.example", "400"],
      ["good.example.evil", "400"],
      ["notexample.org", "400"],
      ["localhost", "400"],
    ];
    for (const [host, expected] of cases) {
      expect(status(await served.rawBytes(head(host), 1_000)), host).toBe(`HTTP/1.1 ${expected}`);
      expect((await served.inProcess("/items/7", { headers: { host } })).status, host).toBe(Number(expected));
    }
    const refused = await served.inProcess("http://evil.example/items/7");
    expect(refused).toMatchObject({ status: 400, body: "400 Bad Request\nThe Host header names a host this application does not serve (see the allowedHosts option).\n" });
  });

  it("applies to X-Forwarded-Host behind a trusted proxy", async () => {
    const app = new Application(routes() as never, { allowedHosts: ["good.example"], trustProxy: true });
    expect((await app.getResponse("http://good.example/whoami", { headers: { "x-forwarded-host": "evil.example" } })).status).toBe(400);
    expect((await app.getResponse("http://good.example/whoami", { headers: { "x-forwarded-host": "a b" } })).status).toBe(400);
    expect((await app.getResponse("http://evil.example/whoami", { headers: { "x-forwarded-host": "good.example" } })).status).toBe(200);
  });

  it("refuses entries that are not host names when the app is made", () => {
    expect(() => new Application([], { allowedHosts: ["https://good.example"] })).toThrow(
      'allowedHosts: "https://good.example" is not a host name (write "example.com", ".example.com" for it and its subdomains, or "*"; no scheme, port or path).',
    );
    expect(() => new Application([], { allowedHosts: ["good.example:80"] })).toThrow(TypeError);
    expect(() => new Application([], { redirectHosts: ["a/b"] })).toThrow('redirectHosts: "a/b" is not a host name');
    expect(() => new Application([], { allowedHosts: ["*"] })).not.toThrow();
  });
});

describe("HTTP/2 :authority", () => {
  let tls: TestCert;
  let app: Application;
  let origin = "";
  beforeAll(async () => {
    tls = selfSignedCert();
    app = new Application(routes() as never, { logger: { error() {} } });
    await app.listen({ port: 0, host: "127.0.0.1", tls: { key: tls.key, cert: tls.cert }, http2: true });
    origin = `https://127.0.0.1:${app.address!.port}`;
  });
  afterAll(async () => {
    await app.close({ timeout: 200 });
    tls.remove();
  });

  function h2(headers: OutgoingHttpHeaders): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
    const session = http2Connect(origin, { ca: tls.cert });
    session.on("error", () => {});
    return new Promise((resolve, reject) => {
      const stream = session.request(headers);
      let body = "";
      let head: IncomingHttpHeaders = {};
      stream.setEncoding("utf8");
      stream.on("response", (h) => (head = h));
      stream.on("data", (chunk: string) => (body += chunk));
      stream.on("end", () => {
        session.close();
        resolve({ status: Number(head[":status"]), body, headers: head });
      });
      stream.on("error", reject);
    });
  }

  it("is the host (over a host header that agrees), and a host that disagrees is a 400", async () => {
    const authority = new URL(origin).host;
    expect(JSON.parse((await h2({ ":path": "/whoami" })).body)).toEqual({ host: authority, url: `https://${authority}/whoami` });
    expect((await h2({ ":path": "/whoami", ":authority": authority, host: authority })).status).toBe(200);
    const conflicting = await h2({ ":path": "/items/7", ":authority": authority, host: "evil.example" });
    expect(conflicting.status).toBe(400);
    expect(conflicting.headers.location).toBeUndefined();
    // Node 22 and later refuse an authority with userinfo in nghttp2 itself
    // (a stream error, before any handler); Node 20 hands it over, and it is a 400.
    const userinfo = await h2({ ":path": "/items/7", ":authority": "good.example@evil.example" }).then(
      (res) => res.status,
      (error: { code?: string }) => error.code,
    );
    expect(userinfo).toBe(Number(process.versions.node.split(".")[0]) >= 22 ? "ERR_HTTP2_STREAM_ERROR" : 400);
    expect((await h2({ ":path": "/items/7", ":authority": "good.example" })).headers.location).toBe("https://good.example/items/7");
  });
});
