/**
 * lib/security/safe-redirect.ts: same-site redirect targets and the targets
 * no redirect may carry.
 */
import { describe, expect, it } from "vitest";
import { Application, RequestHandler, Response } from "../../lib/index.js";
import { checkRedirectTarget, sameSiteTarget } from "../../lib/security/safe-redirect.js";

describe("sameSiteTarget()", () => {
  const kept: [string, string][] = [
    ["/", "/"],
    ["/account", "/account"],
    ["/account?tab=2#top", "/account?tab=2#top"],
    ["/a//b/./c/", "/a/b/c/"],
    ["/a/../..//evil", "/evil"],
    ["/%2e%2e//evil", "/evil"],
    ["/a/b/..", "/a/"],
    ["/search?q=//evil.example", "/search?q=//evil.example"],
  ];
  for (const [target, result] of kept) it(`keeps ${JSON.stringify(target)} as ${result}`, () => expect(sameSiteTarget(target)).toBe(result));

  const refused = ["//evil.example", "/\\evil.example", "\\/evil.example", "/\t/evil.example", "/\r\n/evil.example", " //evil", "\x00//evil", "https://evil.example", "http:evil.example", "javascript:alert(1)", "evil.example", "", "?x=1"];
  for (const target of refused) it(`refuses ${JSON.stringify(target)}`, () => expect(sameSiteTarget(target)).toBeUndefined());

  it("accepts an absolute URL on exactly the given host", () => {
    expect(sameSiteTarget("https://example.com/a", "example.com")).toBe("/a");
    expect(sameSiteTarget("https://example.com.evil/a", "example.com")).toBeUndefined();
    expect(sameSiteTarget("https://example.com//evil/a", "example.com")).toBeUndefined();
  });
});

describe("checkRedirectTarget()", () => {
  it("passes ordinary targets through, absolute ones included", () => {
    for (const target of ["/login", "https://example.com/x", "?page=2", "mailto:a@example.com"]) expect(checkRedirectTarget(target)).toBe(target);
  });

  it("refuses script and data schemes however they are spelled, and control characters", () => {
    for (const target of ["javascript:alert(1)", "JavaScript:x", " javascript:x", "java\tscript:x", "data:text/html,x", "vbscript:x", "/a\r\nSet-Cookie: x=1", "/\0"]) {
      expect(() => checkRedirectTarget(target), JSON.stringify(target)).toThrow(TypeError);
    }
  });
});

describe("redirect helpers use them", () => {
  it("Response.redirect refuses javascript:", () => {
    expect(() => Response.redirect("javascript:alert(1)")).toThrow(/javascript:, vbscript: and data: targets are not allowed/);
  });

  it("handler.redirect(to, { sameSite: true }) falls back to / or the given fallback", async () => {
    class Go extends RequestHandler {
      get() {
        return this.redirect(this.request.query.get("to")!, { sameSite: true, fallback: this.request.query.get("fallback") });
      }
    }
    const app = new Application([["/go", Go]]);
    const location = async (query: string) => (await app.getResponse(`/go?${query}`)).headers.get("location");
    expect(await location("to=%2Fhome")).toBe("/home");
    expect(await location("to=%2F%2Fevil.example")).toBe("/");
    expect(await location("to=%2F%2Fevil.example&fallback=%2Flogin")).toBe("/login");
  });
});
