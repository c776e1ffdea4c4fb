/**
 * Cases ported from the test suites of jshttp/negotiator and Django's
 * httpwrappers and cookie tests, run in process and over a socket: media
 * type parameters and quoted commas in `Accept`, `acceptsLanguages()`,
 * header values outside Latin-1, and deleting a `SameSite=None` cookie.
 */
import { describe, expect, it } from "vitest";
import { Application, RequestHandler, type Request } from "../../lib/index.js";
import { bothWays } from "../support/both-ways.js";

class Cookies extends RequestHandler {
  get() {
    this.response.deleteCookie("session", { sameSite: "none" });
    this.response.deleteCookie("prefs", { sameSite: "Lax" });
    return "bye";
  }
}

const served = bothWays(
  () =>
    new Application(
      [
        ["/accepts", (request: Request) => ({ choice: request.accepts(...request.query.getAll("offer")) })],
        ["/languages", (request: Request) => ({ all: request.acceptsLanguages(), choice: request.acceptsLanguages("en-US", "fr") })],
        ["/logout", Cookies],
      ],
      { logger: { error() {} } },
    ),
);

describe("Accept (negotiator's cases, RFC 9110 §12.5.1 and §5.6.6)", () => {
  const cases: [string, string[], string | false][] = [
    ["text/html;level=1", ["text/html"], false],
    ["text/html;level=1", ["text/html;level=1", "text/html"], "text/html;level=1"],
    ["application/vnd.api+json;version=2", ["application/vnd.api+json;version=1", "application/vnd.api+json;version=2"], "application/vnd.api+json;version=2"],
    ['text/html;foo="bar,text/css;"', ["text/css"], false],
    ['text/html;foo="bar,text/css;"', ["text/html;foo=\"bar,text/css;\"", "text/css"], 'text/html;foo="bar,text/css;"'],
    ["text/*, application/json;q=0.5", ["application/json", "text/plain"], "text/plain"],
  ];
  for (const [accept, offers, choice] of cases) {
    it(`Accept: ${accept} among ${offers.join(" | ")} chooses ${String(choice)}, both ways`, async () => {
      const query = offers.map((offer) => `offer=${encodeURIComponent(offer)}`).join("&");
      for (const answer of await served.both(`/accepts?${query}`, { headers: { accept } })) expect(JSON.parse(answer.body)).toEqual({ choice });
    });
  }
});

describe("acceptsLanguages()", () => {
  it("with no Accept-Language lists everything as acceptable, as accepts() does", async () => {
    for (const answer of await served.both("/languages")) expect(JSON.parse(answer.body)).toEqual({ all: ["*"], choice: "en-US" });
  });

  it("keeps the client's case of a tag", async () => {
    for (const answer of await served.both("/languages", { headers: { "accept-language": "en-US, fr;q=0.5" } })) {
      expect(JSON.parse(answer.body)).toEqual({ all: ["en-US", "fr"], choice: "en-US" });
    }
  });
});

describe("a header value outside Latin-1", () => {
  const app = new Application([], { logger: { error() {} } });
  class Dagger extends RequestHandler {
    get() {
      this.response.headers.set("x-mark", "†");
      return "never sent";
    }
  }
  class Reason extends RequestHandler {
    get() {
      this.response.setStatus(200, "Très bien ✓");
      return "never sent";
    }
  }
  app.add(["/set", Dagger]);
  app.add(["/reason", Reason]);
  const both = bothWays(() => app);

  it("is refused where it is set: a 500 over the socket and in process alike, not a reset connection", async () => {
    for (const path of ["/set", "/reason"]) {
      for (const answer of await both.both(path)) {
        expect(answer.status).toBe(500);
        expect(answer.headers["x-mark"]).toBeUndefined();
        expect(answer.body).toBe("500 Internal Server Error\n");
      }
    }
  });

  it("Latin-1 itself is still sent, as Node sends it", async () => {
    class Latin extends RequestHandler {
      get() {
        this.response.headers.set("x-mark", "café");
        return "ok";
      }
    }
    app.add(["/latin", Latin]);
    const [inProcess, overSocket] = await both.both("/latin");
    expect(inProcess.headers["x-mark"]).toBe("café");
    expect(overSocket.status).toBe(200);
  });
});

describe("deleteCookie() with SameSite=None", () => {
  it("sends Secure, which browsers need to accept the deletion (Django's rule)", async () => {
    for (const answer of await served.both("/logout")) {
      expect(answer.headers["set-cookie"]).toBe(
        "session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Secure; SameSite=None, prefs=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; SameSite=Lax",
      );
    }
  });
});
