/**
 * The redirect policy, in process and over a socket: every way of
 * redirecting (`redirect()`, `redirectTo()`, `Response.redirect()`,
 * `RedirectRoute`, `[3xx, location]`, a JSON view's tuple) keeps the client
 * on this site unless the call or the app's `redirectHosts` says otherwise;
 * a refused target is a logged 500 naming the options, never a `Location`.
 */
import { describe, expect, it } from "vitest";
import { Application, jsonView, RedirectRoute, RequestHandler, Response, Route, type Request } from "../../lib/index.js";
import { bothWays, type Answer } from "../support/both-ways.js";

const to = (request: Request) => request.query.get("to") ?? "/";

class Go extends RequestHandler {
  get() {
    return this.redirect(to(this.request));
  }
}
class GoAnywhere extends RequestHandler {
  get() {
    return this.redirect(to(this.request), { allowOtherHost: true });
  }
}
class GoBack extends RequestHandler {
  async post() {
    return this.redirect((await this.request.field("next")) ?? "/", { sameSite: true });
  }
  get() {
    return this.redirect(to(this.request), { sameSite: true, fallback: "/home" });
  }
}
class Named extends RequestHandler {
  get() {
    return this.redirectTo("target", { id: 7 }, { full: true });
  }
}

function build(): { app: Application; logged: string[] } {
  const logged: string[] = [];
  const app = new Application(
    [
      ["/handler", Go],
      ["/handler-anywhere", GoAnywhere],
      ["/handler-back", GoBack],
      ["/named", Named],
      new Route("/items/:id", () => "item", { name: "target" }),
      ["/response", (request: Request) => Response.redirect(to(request))],
      ["/response-anywhere", (request: Request) => Response.redirect(to(request), 302, { allowOtherHost: true })],
      ["/tuple", (request: Request) => [302, to(request)]],
      ["/json-tuple", jsonView((request: Request) => [303, to(request)])],
      ["/self", (request: Request) => Response.redirect(`${request.scheme}://${request.host}/items/1`)],
      new RedirectRoute("/moved", "https://other.example/"),
      new RedirectRoute("/moved-anywhere", "https://other.example/", { allowOtherHost: true }),
      new RedirectRoute("/moved-path", "//evil.example/x"),
    ],
    { logger: { error: (message: string, error: unknown) => logged.push(`${message} ${String(error)}`) }, redirectHosts: ["accounts.example", ".cdn.example"] },
  );
  app.use((request, next) => (request.path === "/middleware" ? Response.redirect(to(request)) : next()));
  return { app, logged };
}

const { app, logged } = build();
const served = bothWays(() => app);
const WAYS = ["/handler", "/response", "/tuple", "/json-tuple"];
const query = (target: string) => `?to=${encodeURIComponent(target)}`;

function expectRedirect(answer: Answer, location: string): void {
  expect(answer.status, JSON.stringify(answer)).toBeGreaterThanOrEqual(301);
  expect(answer.status).toBeLessThanOrEqual(308);
  expect(answer.headers.location).toBe(location);
}

function expectRefused(answer: Answer): void {
  expect(answer.status).toBe(500);
  expect(answer.headers.location).toBeUndefined();
}

describe("path-like targets are sent as paths on this site", () => {
  const cases: [string, string][] = [
    ["//evil.example", "/evil.example"],
    ["/\\evil.example", "/evil.example"],
    ["\\\\evil.example", "/evil.example"],
    ["/%09/evil.example", "/%09/evil.example"],
    ["///evil.example", "/evil.example"],
    ["/a/../..//evil.example", "/evil.example"],
    [" //evil.example", "/evil.example"],
    ["/account?tab=2", "/account?tab=2"],
  ];
  for (const [target, location] of cases) {
    it(`${JSON.stringify(target)} → ${location}, through ${WAYS.join(", ")}`, async () => {
      for (const way of WAYS) for (const answer of await served.both(`${way}${query(target)}`)) expectRedirect(answer, location);
    });
  }

  it("a RedirectRoute's path-like target too", async () => {
    for (const answer of await served.both("/moved-path")) expectRedirect(answer, "/evil.example/x");
  });
});

describe("targets on another host are refused unless allowed", () => {
  const others = ["https://other.example", "https:evil.example", "HTTP://evil.example", "http:\\\\evil.example", "https://localhost@evil.example/", "mailto:a@example.com"];
  for (const target of others) {
    it(`${JSON.stringify(target)}: a logged 500 naming allowOtherHost and redirectHosts, no Location; allowed with allowOtherHost`, async () => {
      for (const way of WAYS) {
        logged.length = 0;
        for (const answer of await served.both(`${way}${query(target)}`)) expectRefused(answer);
        expect(logged).toHaveLength(2);
        for (const line of logged) expect(line).toMatch(/uncaught error TypeError: Refusing to redirect to .*Pass \{ allowOtherHost: true \}.*redirectHosts/);
      }
      for (const way of ["/handler-anywhere", "/response-anywhere"]) {
        for (const answer of await served.both(`${way}${query(target)}`)) expectRedirect(answer, target);
      }
    });
  }

  it("a RedirectRoute to another host needs allowOtherHost", async () => {
    for (const answer of await served.both("/moved")) expectRefused(answer);
    for (const answer of await served.both("/moved-anywhere")) expectRedirect(answer, "https://other.example/");
  });

  it("a redirect returned by middleware is checked too: a bare 500", async () => {
    for (const answer of await served.both(`/middleware${query("https://other.example/")}`)) {
      expect(answer).toMatchObject({ status: 500, body: "500 Internal Server Error\n" });
      expect(answer.headers.location).toBeUndefined();
    }
    for (const answer of await served.both(`/middleware${query("/x")}`)) expectRedirect(answer, "/x");
  });

  it("the hosts in redirectHosts (and their subdomains, for a leading dot) are allowed", async () => {
    for (const target of ["https://accounts.example/login", "https://ACCOUNTS.example:8443/", "https://img.cdn.example/a", "https://cdn.example/"]) {
      for (const way of WAYS) for (const answer of await served.both(`${way}${query(target)}`)) expectRedirect(answer, target);
    }
    for (const target of ["https://evilaccounts.example/", "https://cdn.example.evil/"]) {
      for (const answer of await served.both(`/handler${query(target)}`)) expectRefused(answer);
    }
  });

  it("the request's own host is not another host, in any scheme; a full redirectTo() stays", async () => {
    for (const answer of await served.both("/self")) expect(answer.status).toBe(302);
    const [inProcess, overSocket] = await served.both("/named");
    expectRedirect(inProcess, "http://localhost/items/7");
    expectRedirect(overSocket, `http://127.0.0.1:${served.port}/items/7`);
  });
});

describe("script and data targets are refused whatever the options", () => {
  for (const target of ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " data:text/html,x", "vbscript:x"]) {
    it(`${JSON.stringify(target)}: 500 even with allowOtherHost; the sameSite fallback with sameSite`, async () => {
      for (const way of [...WAYS, "/handler-anywhere", "/response-anywhere"]) for (const answer of await served.both(`${way}${query(target)}`)) expectRefused(answer);
      for (const answer of await served.both(`/handler-back${query(target)}`)) expectRedirect(answer, "/home");
    });
  }
});

describe("sameSite: true keeps falling back", () => {
  it("to its fallback for targets that leave the site, and keeps the others, normalized and encoded", async () => {
    const cases: [string, string][] = [
      ["//evil.example", "/home"],
      ["https://other.example", "/home"],
      ["https://accounts.example/", "/home"],
      ["/a/../b", "/b"],
      ["/привет", "/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82"],
    ];
    for (const [target, location] of cases) for (const answer of await served.both(`/handler-back${query(target)}`)) expectRedirect(answer, location);
  });
});

describe("a redirect to a non-Latin-1 path gets an answer", () => {
  it("percent-encodes the Location, as browsers would, through every way", async () => {
    for (const way of WAYS) for (const answer of await served.both(`${way}${query("/☃?q=ü")}`)) expectRedirect(answer, "/%E2%98%83?q=%C3%BC");
  });
});

describe("a hostile target costs no more than a short one", () => {
  // The median times of two requests, sent in turn so that a load spike on
  // this machine slows both alike.
  async function mediansOf(a: () => Promise<Answer>, b: () => Promise<Answer>): Promise<[number, number]> {
    const times: [number[], number[]] = [[], []];
    for (let i = 0; i < 9; i++) {
      for (const [k, send] of [a, b].entries()) {
        const start = performance.now();
        await send();
        times[k]!.push(performance.now() - start);
      }
    }
    const median = (list: number[]) => list.sort((x, y) => x - y)[list.length >> 1]!;
    return [median(times[0]), median(times[1])];
  }

  it("?to=/ then 15,000 spaces and an x, and a POSTed 64 KiB next field, cost what the same bytes in another parameter cost", async () => {
    const padding = "+".repeat(15_000);
    const formPadding = "+".repeat(64 * 1024);
    const formType = { "content-type": "application/x-www-form-urlencoded" };
    // The same bytes, once in a parameter nobody redirects to and once as the target.
    const [padded, hostile] = await mediansOf(
      () => served.overSocket(`/handler-back?pad=${padding}&to=/x`),
      () => served.overSocket(`/handler-back?to=/${padding}x`),
    );
    const [paddedForm, hostileForm] = await mediansOf(
      () => served.overSocket("/handler-back", { method: "POST", body: `pad=${formPadding}&next=/x`, headers: formType }),
      () => served.overSocket("/handler-back", { method: "POST", body: `next=/${formPadding}x`, headers: formType }),
    );
    // The quadratic trim took 0.4 s and several seconds for these, hundreds
    // of times the padded request; linear checks add little to it.
    expect(hostile / padded).toBeLessThan(10);
    expect(hostileForm / paddedForm).toBeLessThan(10);
    expectRedirect(await served.overSocket(`/handler-back?to=/${padding}x`), "/home");
    expectRedirect(await served.overSocket("/handler-back", { method: "POST", body: `next=/${formPadding}x`, headers: formType }), "/");
  });
});
