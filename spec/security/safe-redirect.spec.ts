/**
 * lib/security/safe-redirect.ts: same-site redirect targets and the targets
 * no redirect may carry.
 */
import { describe, expect, it } from "vitest";
import { Application, RequestHandler, Response } from "../../lib/index.js";
import {
  checkRedirectTarget,
  encodeNonAscii,
  hasScheme,
  MAX_REDIRECT_LENGTH,
  redirectHost,
  sameOriginPath,
  sameSiteTarget,
  trimSpaces,
} from "../../lib/security/safe-redirect.js";

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

describe("checkRedirectTarget() keeps path-like targets on the site", () => {
  const cases: [string, string][] = [
    ["//evil.example", "/evil.example"],
    ["///evil.example", "/evil.example"],
    ["/\\evil.example", "/evil.example"],
    ["\\\\evil.example", "/evil.example"],
    ["\\/evil.example/x?y=//z", "/evil.example/x?y=//z"],
    ["/a/../..//evil.example", "/evil.example"],
    ["/%2e%2e//evil.example", "/evil.example"],
    ["/%09/evil.example", "/%09/evil.example"],
    ["  //evil.example  ", "/evil.example"],
    ["/a//b/", "/a/b/"],
    ["/search?q=//evil.example#//x", "/search?q=//evil.example#//x"],
  ];
  for (const [target, location] of cases) it(`sends ${JSON.stringify(target)} as ${location}`, () => expect(checkRedirectTarget(target)).toBe(location));

  it("leaves relative references and targets with a scheme as they are (the host is checked against the request)", () => {
    for (const target of ["login", "../up", "?page=2", "#top", "https://other.example/x", "https:evil.example"]) expect(checkRedirectTarget(target)).toBe(target);
  });

  it("refuses a target longer than MAX_REDIRECT_LENGTH, like any unsafe target", () => {
    expect(MAX_REDIRECT_LENGTH).toBe(8192);
    expect(checkRedirectTarget(`/${"a".repeat(MAX_REDIRECT_LENGTH - 1)}`)).toHaveLength(MAX_REDIRECT_LENGTH);
    expect(() => checkRedirectTarget(`/${"a".repeat(MAX_REDIRECT_LENGTH)}`)).toThrow(
      "Refusing to redirect to a target of 8193 characters: the limit is 8192.",
    );
    expect(sameOriginPath(`/${"a".repeat(MAX_REDIRECT_LENGTH)}`)).toBeUndefined();
  });

  it("percent-encodes non-ASCII as UTF-8, a lone surrogate as U+FFFD", () => {
    expect(checkRedirectTarget("/☃")).toBe("/%E2%98%83");
    expect(checkRedirectTarget("/привет?q=é#ü")).toBe("/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82?q=%C3%A9#%C3%BC");
    expect(encodeNonAscii("/a\uD800b")).toBe("/a%EF%BF%BDb");
    expect(encodeNonAscii("/plain")).toBe("/plain");
  });
});

describe("redirectHost()", () => {
  const cases: [string, string | undefined][] = [
    ["/x", undefined],
    ["x", undefined],
    ["https://good.example/x", undefined],
    ["http://GOOD.example:443/x", "good.example:443"],
    ["https://good.example:443/x", undefined],
    ["https://other.example/x", "other.example"],
    ["https:evil.example", undefined],
    ["http:evil.example", "evil.example"],
    ["HTTP://evil.example", "evil.example"],
    ["http:\\\\evil.example\\x", "evil.example"],
    ["https://good.example@evil.example/", "evil.example"],
    ["mailto:a@good.example", ""],
  ];
  for (const [target, host] of cases) {
    it(`${JSON.stringify(target)} from https://good.example leaves for ${JSON.stringify(host)}`, () => expect(redirectHost(target, "https", "good.example")).toBe(host));
  }

  it("hasScheme() reads the scheme as RFC 3986 writes it", () => {
    expect(["https:", "x-app+v1.2:", "mailto:a"].map(hasScheme)).toEqual([true, true, true]);
    expect(["/a:b", "1http:", "a b:", "", "login", ":x"].map(hasScheme)).toEqual([false, false, false, false, false, false]);
  });
});

/**
 * The cost per call of `fn(input)`: the best of a few rounds, so a round
 * slowed by another process does not count.
 */
function costOf(fn: (input: string) => unknown, input: string, reps: number): number {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) fn(input);
    best = Math.min(best, (performance.now() - start) / reps);
  }
  return best;
}

describe("the checks are linear: 64 KiB of the worst input costs in proportion to 1 KiB of it", () => {
  // The shapes that made the old RegExp trim (/^[\x00-\x20]+|[\x00-\x20]+$/g)
  // quadratic: an inner run of spaces, and the others the checks scan.
  const shapes: [string, (n: number) => string][] = [
    ["an inner run of spaces", (n) => `/${" ".repeat(n)}x`],
    ["all spaces", (n) => " ".repeat(n)],
    ["leading spaces before //", (n) => `${" ".repeat(n)}//evil.example`],
    ["a run of slashes and backslashes", (n) => "/\\".repeat(n / 2)],
    ["a run of dot segments", (n) => "/..".repeat(n / 3)],
    ["a run of non-ASCII", (n) => `/${"é".repeat(n)}`],
    ["an absolute URL with a long authority", (n) => `https://${"a".repeat(n)}`],
  ];
  const checks: [string, (input: string) => unknown][] = [
    ["checkRedirectTarget", (input) => {
      try {
        return checkRedirectTarget(input);
      } catch {
        return undefined;
      }
    }],
    ["sameOriginPath", (input) => sameOriginPath(input, "good.example")],
  ];
  for (const [shape, make] of shapes) {
    for (const [name, check] of checks) {
      it(`${name}: ${shape}`, () => {
        const small = make(1024);
        const big = make(64 * 1024);
        costOf(check, small, 50); // warm up
        const ratio = costOf(check, big, 4) / costOf(check, small, 200);
        // Linear is about 64 (less here: past the cap the target is refused
        // unread); quadratic would be about 4,096.
        expect(ratio).toBeLessThan(256);
      });
    }
  }

  it("trimSpaces: 64 KiB of spaces against 1 KiB, and the same under the cap (8 KiB against 128 B)", () => {
    for (const [small, big] of [[1024, 64 * 1024], [128, 8 * 1024]] as const) {
      costOf(trimSpaces, " ".repeat(small), 50);
      const ratio = costOf(trimSpaces, " ".repeat(big), 8) / costOf(trimSpaces, " ".repeat(small), 200);
      expect(ratio).toBeLessThan(4 * (big / small));
    }
  });

  it("under the cap, an 8 KiB inner run of spaces costs in proportion to 128 B of it", () => {
    const make = (n: number) => `/${" ".repeat(n)}x`;
    for (const [, check] of checks) {
      costOf(check, make(128), 50);
      const ratio = costOf(check, make(8 * 1024 - 2), 8) / costOf(check, make(128), 200);
      expect(ratio).toBeLessThan(4 * 64);
    }
  });
});
