/**
 * request.id and lib/core/request-id.ts: an upstream X-Request-Id is
 * used only behind a trusted proxy and only when it looks like an id;
 * otherwise a random UUID, made once, on first use.
 */
import { describe, expect, it } from "vitest";
import { Application, Request } from "../../lib/index.js";
import { requestId } from "../../lib/core/request-id.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function blank(headers: Record<string, string>, trustProxy: boolean): Request {
  const request = Request.blank("/", { headers });
  // What the application does for each request: its app and its settings.
  request.app = new Application([], { trustProxy });
  request.settings = request.app.router.settings;
  return request;
}

function idOf(request: Request): string {
  return requestId(request.headers, request.settings.trustProxy !== undefined);
}

describe("requestId()", () => {
  it("takes X-Request-Id from a trusted proxy", () => {
    expect(idOf(blank({ "x-request-id": "lb-42.a:b@c=d+e/f_g" }, true))).toBe("lb-42.a:b@c=d+e/f_g");
  });

  it("ignores X-Request-Id when the proxy is not trusted", () => {
    expect(idOf(blank({ "x-request-id": "lb-42" }, false))).toMatch(UUID);
  });

  it("ignores an upstream id that could break a log line, or is too long", () => {
    for (const bad of ["has space", 'quo"te', "tab\there", "x".repeat(129), ""]) {
      expect(idOf(blank({ "x-request-id": bad }, true))).toMatch(UUID);
    }
    expect(idOf(blank({ "x-request-id": "x".repeat(128) }, true))).toBe("x".repeat(128));
  });

  it("makes a fresh UUID for each call without an upstream id", () => {
    const request = blank({}, true);
    const a = idOf(request);
    const b = idOf(request);
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
  });
});

describe("request.id", () => {
  it("is made once, on first use, and then stays the same", () => {
    const request = Request.blank("/");
    const id = request.id;
    expect(id).toMatch(UUID);
    expect(request.id).toBe(id);
    expect(Request.blank("/").id).not.toBe(id);
  });

  it("is available to handlers through app.getResponse()", async () => {
    const app = new Application([], { trustProxy: true });
    app.route("/")((request: Request) => request.id);
    const res = await app.getResponse("/", { headers: { "x-request-id": "abc-123" } });
    expect(await res.text()).toBe("abc-123");
  });
});

describe("request.ip", () => {
  it("is the last X-Forwarded-For entry behind a trusted proxy (the one the proxy added)", () => {
    expect(blank({ "x-forwarded-for": "6.6.6.6, 203.0.113.7" }, true).ip).toBe("203.0.113.7");
    expect(blank({ "x-forwarded-for": "203.0.113.7" }, true).ip).toBe("203.0.113.7");
  });

  it("ignores X-Forwarded-For when the proxy is not trusted", () => {
    expect(blank({ "x-forwarded-for": "6.6.6.6" }, false).ip).toBeUndefined();
  });
});
