/**
 * Attacks on paths and routing, over raw sockets with the five
 * invariants: percent-encoding, `%2F` in parameters, dot segments, hosts
 * hidden in paths, `OPTIONS *`, length limits (lib/security/path-guard.ts), match
 * state shared between requests, escaping in 404 pages, and ReDoS
 * (lib/security/redos.ts, checked when a route is made).
 */
import { describe, expect, it } from "vitest";
import { Agent, request } from "undici";
import { Application, Route } from "../../lib/index.js";
import { attack, get, targets } from "../support/attack-harness.js";

const start = targets();

async function status(path: string, headers: Record<string, string> = {}) {
  const target = await start();
  const result = await attack(target, get(path, headers));
  // An error from the app leaves the connection usable.
  expect(result.reused).toBe(true);
  return result.response;
}

describe("percent-encoding", () => {
  const refused: [string, string][] = [
    ["/users/%zz", "an invalid escape in a parameter"],
    ["/%zz", "an invalid escape outside any route"],
    ["/users/%", "a lone %"],
    ["/users/%2", "a truncated escape"],
    ["/users/%C0%AF", "overlong UTF-8 for /"],
    ["/users/%E0%80%AF", "three-byte overlong UTF-8 for /"],
    ["/users/%ED%A0%80", "an encoded UTF-16 surrogate"],
    ["/users/a%00b", "an encoded NUL"],
    ["/files/a/%00", "an encoded NUL in a splat"],
  ];
  for (const [path, what] of refused) {
    it(`${what} (${path}): 400`, async () => {
      const response = await status(path);
      expect(response.status).toBe(400);
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
    });
  }

  it("%2F inside a parameter is decoded after splitting, never a separator", async () => {
    const response = await status("/users/a%2Fb");
    expect([response.status, response.body]).toEqual([200, '{"id":"a/b"}']);
    const splat = await status("/files/a%2Fb/c");
    expect([splat.status, splat.body]).toEqual([200, '{"path":["a/b","c"]}']);
    const regexp = await status("/tags/x%2Fy");
    expect([regexp.status, regexp.body]).toEqual([200, '{"tag":"x/y"}']);
  });

  it("a double-encoded parameter is decoded once", async () => {
    const response = await status("/users/a%252Fb%2520c");
    expect([response.status, response.body]).toEqual([200, '{"id":"a%2Fb%20c"}']);
  });

  it("an encoded / cannot make a parameter route match a literal route", async () => {
    // /products/(\d+) must not see "1/../2"; /users/:id gets one segment.
    const response = await status("/products/1%2F2");
    expect(response.status).toBe(404);
  });
});

describe("hosts hidden in paths", () => {
  it("//evil.example/x is a path, never a host: 404, nothing about evil.example in the answer", async () => {
    const response = await status("//evil.example/x", { accept: "text/html" });
    expect(response.status).toBe(404);
    expect(response.body).not.toContain("evil");
    expect(response.headers.location).toBeUndefined();
  });

  it("/\\evil.example is a path: 404", async () => {
    const response = await status("/\\evil.example");
    expect(response.status).toBe(404);
  });

  it("the path handler sees //evil.example as its raw path, not as a URL", async () => {
    const target = await start(undefined, (app) => app.route("/p/*rest")((request) => ({ host: request.host, path: request.path })));
    const result = await attack(target, get("/p//evil.example/x"));
    expect(result.response.body).toBe('{"host":"127.0.0.1","path":"/p//evil.example/x"}');
  });

  it("an absolute-form target (a proxy request) is refused with 400", async () => {
    const response = await status("http://evil.example/users/1");
    expect(response.status).toBe(400);
    expect(response.body).toBe("400 Bad Request\nThe request target must be a path starting with /.\n");
  });
});

describe("dot segments are refused, never resolved", () => {
  const refused = ["/files/../etc/passwd", "/files/./x", "/files/%2e%2e/x", "/files/.%2E/x", "/files/%2E/x", "/users/..", "/users/.", "/..", "/a/b/../../users/1"];
  for (const path of refused) {
    it(`${path}: 400`, async () => {
      const response = await status(path);
      expect(response.status).toBe(400);
      expect(response.body).toBe("400 Bad Request\nThe path has a '.' or '..' segment; they are not resolved, send the path without them.\n");
    });
  }

  it("dots that are not whole segments are ordinary characters", async () => {
    const response = await status("/files/..x/.y/z.");
    expect([response.status, response.body]).toEqual([200, '{"path":["..x",".y","z."]}']);
  });
});

describe("OPTIONS * and other server-wide targets", () => {
  it("OPTIONS * answers 204 with the allowed methods", async () => {
    const target = await start();
    const result = await attack(target, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(result.response.status).toBe(204);
    expect(result.response.headers.allow).toBe("DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE");
    expect(result.reused).toBe(true);
  });

  it("GET * is a 400", async () => {
    const response = await status("*");
    expect(response.status).toBe(400);
  });
});

describe("length limits", () => {
  it("a 15 KB path (within the 16 KiB head) is a 414", async () => {
    const response = await status(`/users/${"a".repeat(15_000)}`);
    expect(response.status).toBe(414);
    expect(response.body).toBe("414 URI Too Long\nThe path is longer than 8192 bytes.\n");
  });

  it("a parameter of 1,024 bytes is served; one of 1,025 is a 414", async () => {
    const fits = await status(`/users/${"a".repeat(1_024)}`);
    expect(fits.status).toBe(200);
    const over = await status(`/users/${"a".repeat(1_025)}`);
    expect(over.status).toBe(414);
    expect(over.body).toBe("414 URI Too Long\nA path segment is longer than 1024 bytes.\n");
  });

  it("maxPathLength and maxParamLength are app options", async () => {
    const target = await start({ maxPathLength: 64, maxParamLength: 8 });
    expect((await attack(target, get("/users/12345678"))).response.status).toBe(200);
    expect((await attack(target, get("/users/123456789"))).response.status).toBe(414);
    expect((await attack(target, get(`/files/${"a/".repeat(40)}`))).response.status).toBe(414);
  });
});

describe("404 pages", () => {
  it("never echo the path: <script> in a path stays out of the HTML", async () => {
    for (const path of ["/<script>alert(1)</script>", "/%3Cscript%3Ealert(1)%3C/script%3E", "/%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E"]) {
      const response = await status(path, { accept: "text/html" });
      expect(response.status).toBe(404);
      expect(response.body).not.toMatch(/<script|<img|onerror/i);
      expect(response.headers["content-security-policy"]).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
    }
  });
});

describe("concurrent requests never share match state", () => {
  it("300 concurrent requests to template, RegExp (even with the g flag) and named-group routes each get their own parameters", async () => {
    const target = await start(undefined, (app) => app.add(new Route(/^\/g\/(\d+)$/g, (_request: unknown, id: string) => ({ g: id }))));
    const agent = new Agent({ connections: 50 });
    try {
      const kinds = [
        (n: number) => [`/users/${n}`, `{"id":"${n}"}`],
        (n: number) => [`/products/${n}`, `product ${n}`],
        (n: number) => [`/tags/t${n}`, `{"tag":"t${n}"}`],
        (n: number) => [`/g/${n}`, `{"g":"${n}"}`],
        (n: number) => [`/posts/2024/s${n}`, `{"year":"2024","slug":"s${n}"}`],
      ];
      const results = await Promise.all(
        Array.from({ length: 300 }, async (_, n) => {
          const [path, expected] = kinds[n % kinds.length]!(n);
          const res = await request(`http://127.0.0.1:${target.port}${path}`, { dispatcher: agent });
          return [await res.body.text(), expected];
        }),
      );
      for (const [body, expected] of results) expect(body).toBe(expected);
    } finally {
      await agent.destroy();
    }
  });
});

describe("ReDoS", () => {
  it("a RegExp route with catastrophic backtracking is refused at registration, by every way of adding it", () => {
    const message = /^The pattern \/\^\\\/\(a\+\)\+\$\/ can backtrack catastrophically \(ReDoS\): the repeated group \(a\+\)\+ can match the same text in more than one way\./;
    expect(() => new Route(/^\/(a+)+$/, () => "x")).toThrow(message);
    expect(() => new Application([[/^\/(a+)+$/, () => "x"]])).toThrow(message);
    const app = new Application();
    expect(() => app.route(/^\/(a+)+$/)(() => "x")).toThrow(message);
    expect(() => app.add([/^\/(a+)+$/, () => "x"])).toThrow(message);
    expect(app.router.routes).toHaveLength(0);
  });

  it("a RegExp route that backtracks in cubic time is refused at registration, unless opted in", () => {
    expect(() => new Route(/^\/slug\/(.*)-(.*)-(.*)\.html$/, () => "x")).toThrow(
      /^The pattern \/\^\\\/slug\\\/\(\.\*\)-\(\.\*\)-\(\.\*\)\\\.html\$\/ can backtrack catastrophically \(ReDoS\): the loops \.\*, \.\* and \.\* can split the same run of characters between them/,
    );
    const route = new Route(/^\/slug\/(.*)-(.*)-(.*)\.html$/, () => "x", { allowUnsafeRegExp: true });
    expect(route.matchPath("/slug/a-b-c.html")).toEqual({ args: ["a", "b", "c"], kwargs: {} });
  });

  it("a params constraint with catastrophic backtracking is refused too", () => {
    expect(() => new Route("/u/:name", () => "x", { params: { name: /(\w+\s?)*/ } })).toThrow(/^The pattern params\.name of \/u\/:name can backtrack catastrophically/);
  });

  it("the user may opt in with allowUnsafeRegExp: true", () => {
    const route = new Route(/^\/(a+)+$/, () => "x", { allowUnsafeRegExp: true });
    expect(route.matchPath("/aaa")).toEqual({ args: ["aaa"], kwargs: {} });
  });

  it("a RegExp route with a back-reference is refused, unless opted in", () => {
    expect(() => new Route(/^\/(\w+)\/\1$/, () => "x")).toThrow(
      /^The pattern \/\^\\\/\(\\w\+\)\\\/\\1\$\/ cannot be checked for catastrophic backtracking \(ReDoS\): it has a back-reference \(\\1\)/,
    );
    const route = new Route(/^\/(\w+)\/\1$/, () => "x", { allowUnsafeRegExp: true });
    expect(route.matchPath("/ab/ab")).toEqual({ args: ["ab"], kwargs: {} });
    expect(route.matchPath("/ab/cd")).toBeNull();
  });

  it("/:a-:b-:c (path-to-regexp's old ReDoS) answers an adversarial path at once", async () => {
    const target = await start(undefined, (app) => app.route("/r/:a-:b-:c")((_request, params) => params));
    for (const segment of ["-".repeat(1_000), `${"a-".repeat(500)}`, `${"-a".repeat(500)}/`]) {
      const started = performance.now();
      const result = await attack(target, get(`/r/${segment}`));
      expect(result.response.status).toBeLessThan(500);
      // Exponential backtracking would take minutes; this bound only allows for a loaded CI machine.
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });

  it("every template route's compiled regex passes the check (none is refused)", () => {
    for (const template of ["/:a-:b-:c", "/:a.:b", "/a{/:b}{/:c}-:d", "/files/*path", "/x/*a/y/*b", "/docs{/:page}", "/:a{-:b}{-:c}"]) {
      expect(() => new Route(template, () => "x")).not.toThrow();
    }
  });
});
