/**
 * Cookies both ways: parsing `Cookie` (malformed pairs skipped) and writing
 * `Set-Cookie` with strict validation.
 */
import { describe, expect, it } from "vitest";
import { parseCookies, serializeCookie } from "../../lib/http/cookies.js";
import { Request, Response } from "../../lib/index.js";

describe("parseCookies()", () => {
  it("parses name=value pairs, trimming spaces, unquoting and decoding", () => {
    expect({ ...parseCookies('sid=abc; theme=dark;quoted="x y";enc=a%20b') }).toEqual({
      sid: "abc",
      theme: "dark",
      quoted: "x y",
      enc: "a b",
    });
  });

  it("skips malformed pairs instead of failing: no =, empty name, bad escapes", () => {
    expect({ ...parseCookies("junk; =novalue; bad=%E0%A4%A; ok=1; ;;") }).toEqual({ ok: "1" });
    expect({ ...parseCookies("") }).toEqual({});
    expect({ ...parseCookies(undefined) }).toEqual({});
  });

  it("keeps the first of repeated names (the most specific, as browsers send it)", () => {
    expect(parseCookies("a=1; a=2").a).toBe("1");
  });

  it("keeps the value after the first = whole", () => {
    expect(parseCookies("token=abc==; x=a=b").token).toBe("abc==");
    expect(parseCookies("x=a=b").x).toBe("a=b");
  });

  it("gives a null-prototype record: __proto__ and constructor are ordinary names", () => {
    const cookies = parseCookies("__proto__=x; constructor=y");
    expect(Object.getPrototypeOf(cookies)).toBeNull();
    expect(cookies["__proto__"]).toBe("x");
    expect(cookies.constructor).toBe("y");
  });

  it("is what request.cookies gives, parsed lazily", () => {
    const request = Request.blank("/", { headers: { cookie: "a=1; broken; b=2" } });
    expect({ ...request.cookies }).toEqual({ a: "1", b: "2" });
    expect(request.cookies).toBe(request.cookies);
  });
});

describe("serializeCookie()", () => {
  it("writes every attribute, Path=/ by default", () => {
    const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    expect(
      serializeCookie("sid", "abc", {
        maxAge: 3600.7,
        expires,
        domain: "example.com",
        path: "/app",
        secure: true,
        httpOnly: true,
        sameSite: "strict",
        partitioned: true,
      }),
    ).toBe("sid=abc; Max-Age=3600; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Domain=example.com; Path=/app; Secure; HttpOnly; SameSite=Strict; Partitioned");
    expect(serializeCookie("a", "")).toBe("a=; Path=/");
  });

  it("refuses a value with ; or CR/LF or a space (attribute or header injection)", () => {
    expect(() => serializeCookie("sid", "abc; Domain=evil.com")).toThrow(
      'Invalid cookie value for "sid": ";", ",", spaces, quotes, backslashes and control characters are not allowed (encode it first, e.g. with encodeURIComponent).',
    );
    expect(() => serializeCookie("sid", "a\r\nSet-Cookie: admin=1")).toThrow(TypeError);
    expect(() => serializeCookie("sid", "a b")).toThrow(TypeError);
    expect(() => serializeCookie("sid", '"quoted"')).toThrow(TypeError);
    expect(serializeCookie("sid", encodeURIComponent("a; b"))).toBe("sid=a%3B%20b; Path=/");
  });

  it("refuses names that are not tokens", () => {
    expect(() => serializeCookie("a;b", "1")).toThrow('Invalid cookie name: "a;b"');
    expect(() => serializeCookie("a b", "1")).toThrow(TypeError);
    expect(() => serializeCookie("a=b", "1")).toThrow(TypeError);
    expect(() => serializeCookie("", "1")).toThrow(TypeError);
  });

  it("refuses ; or control characters in path and domain, and an unknown sameSite", () => {
    expect(() => serializeCookie("a", "1", { path: "/; Secure" })).toThrow('Invalid cookie path for "a": "/; Secure" (no ";" or control characters).');
    expect(() => serializeCookie("a", "1", { domain: "x.com\r\n" })).toThrow(TypeError);
    expect(() => serializeCookie("a", "1", { sameSite: "Lax; Domain=evil" as "Lax" })).toThrow('Invalid cookie sameSite for "a": "Lax; Domain=evil" (Strict, Lax or None).');
  });

  it("refuses an invalid maxAge or expires", () => {
    expect(() => serializeCookie("a", "1", { maxAge: Number.NaN })).toThrow('Invalid cookie maxAge for "a": NaN');
    expect(() => serializeCookie("a", "1", { expires: new Date("nope") })).toThrow('Invalid cookie expires for "a".');
  });

  it("checks partitioned and the __Secure-/__Host- prefixes as browsers do", () => {
    expect(() => serializeCookie("a", "1", { partitioned: true })).toThrow('Cookie "a" is partitioned, which needs secure: true.');
    expect(() => serializeCookie("__Secure-a", "1")).toThrow('Cookie "__Secure-a" has the __Secure- prefix, which needs secure: true.');
    expect(() => serializeCookie("__Host-a", "1", { secure: true, domain: "x.com" })).toThrow(TypeError);
    expect(() => serializeCookie("__Host-a", "1", { secure: true, path: "/app" })).toThrow(TypeError);
    expect(serializeCookie("__Host-a", "1", { secure: true })).toBe("__Host-a=1; Path=/; Secure");
  });
});

describe("response.setCookie() and deleteCookie()", () => {
  it("appends one Set-Cookie header per cookie", () => {
    const res = new Response("ok");
    res.setCookie("a", "1", { httpOnly: true }).setCookie("b", "2", { sameSite: "Lax" });
    expect(res.headers.getAll("set-cookie")).toEqual(["a=1; Path=/; HttpOnly", "b=2; Path=/; SameSite=Lax"]);
  });

  it("a refused cookie adds no header", () => {
    const res = new Response("ok");
    expect(() => res.setCookie("a", "x;y")).toThrow(TypeError);
    expect(res.headers.has("set-cookie")).toBe(false);
  });

  it("deleteCookie() expires it now, with the same path and domain", () => {
    const res = new Response();
    res.deleteCookie("sid", { path: "/app", domain: "example.com" });
    expect(res.headers.get("set-cookie")).toBe("sid=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Domain=example.com; Path=/app");
  });
});
