/**
 * HeaderMap: case-insensitive, multi-value headers for requests and
 * responses, refusing header injection.
 */
import { describe, expect, it } from "vitest";
import { HeaderMap } from "../../lib/index.js";

describe("HeaderMap", () => {
  it("is case-insensitive and stores names lower case", () => {
    const headers = new HeaderMap({ "Content-Type": "text/plain", "X-Trace": 7 });
    expect(headers.get("content-type")).toBe("text/plain");
    expect(headers.get("CONTENT-TYPE")).toBe("text/plain");
    expect(headers.get("x-trace")).toBe("7");
    expect(headers.has("X-TRACE")).toBe(true);
    expect(headers.keys()).toEqual(["content-type", "x-trace"]);
    expect(headers.size).toBe(2);
  });

  it("append() keeps repeated values apart: getAll('set-cookie'); get() joins them", () => {
    const headers = new HeaderMap();
    headers.append("Set-Cookie", "a=1").append("set-cookie", "b=2").append("SET-COOKIE", "c=3");
    expect(headers.getAll("set-cookie")).toEqual(["a=1", "b=2", "c=3"]);
    expect(headers.get("set-cookie")).toBe("a=1, b=2, c=3");
    expect([...headers]).toEqual([["set-cookie", "a=1"], ["set-cookie", "b=2"], ["set-cookie", "c=3"]]);
    expect(headers.toObject()["set-cookie"]).toEqual(["a=1", "b=2", "c=3"]);
  });

  it("set() replaces every value; delete() removes and reports", () => {
    const headers = new HeaderMap([["vary", "accept"], ["vary", "cookie"]]);
    headers.set("Vary", "origin");
    expect(headers.getAll("vary")).toEqual(["origin"]);
    expect(headers.delete("VARY")).toBe(true);
    expect(headers.delete("vary")).toBe(false);
    expect(headers.get("vary")).toBeUndefined();
    expect(headers.getAll("vary")).toEqual([]);
  });

  it("refuses values with CR, LF or NUL (header injection), naming the header", () => {
    const headers = new HeaderMap();
    expect(() => headers.set("Location", "/next\r\nSet-Cookie: admin=1")).toThrow(
      'Invalid value for header "Location": CR, LF, NUL and other control characters are not allowed (header injection), nor characters outside Latin-1 (percent-encode them, or use RFC 8187 for parameters).',
    );
    expect(() => headers.append("x-a", "a\nb")).toThrow(TypeError);
    expect(() => headers.set("x-a", "a\0b")).toThrow(TypeError);
    expect(() => new HeaderMap({ "x-a": "1\r\n\r\n<html>" })).toThrow(TypeError);
    expect(headers.size).toBe(0);
  });

  it("refuses an injected value set right after a valid one (the last valid value is remembered, never an invalid one)", () => {
    const headers = new HeaderMap();
    headers.set("content-type", "text/plain; charset=utf-8");
    headers.set("x-a", "text/plain; charset=utf-8");
    expect(() => headers.set("x-b", "text/plain; charset=utf-8\r\nx-c: 1")).toThrow(TypeError);
    expect(() => headers.set("x-b", "text/plain; charset=utf-8\r\nx-c: 1")).toThrow(TypeError);
    expect(headers.toObject()).toEqual({ "content-type": "text/plain; charset=utf-8", "x-a": "text/plain; charset=utf-8" });
  });

  it("refuses names that are not HTTP tokens", () => {
    const headers = new HeaderMap();
    expect(() => headers.set("X Bad", "1")).toThrow('Invalid header name: "X Bad"');
    expect(() => headers.set("x-a:b", "1")).toThrow(TypeError);
    expect(() => headers.set("", "1")).toThrow(TypeError);
  });

  it("fromNode() wraps a node:http header object as it is, read-only", () => {
    const raw = { "content-type": "application/json", "set-cookie": ["a=1", "b=2"] };
    const headers = HeaderMap.fromNode(raw);
    expect(headers.get("Content-Type")).toBe("application/json");
    expect(headers.getAll("set-cookie")).toEqual(["a=1", "b=2"]);
    expect(() => headers.set("x", "1")).toThrow("These headers are read-only (they are the request's).");
    expect(() => headers.delete("content-type")).toThrow(TypeError);
  });

  it("__proto__ is an ordinary header name", () => {
    const headers = new HeaderMap();
    headers.set("__proto__", "x");
    expect(headers.get("__proto__")).toBe("x");
    expect(headers.keys()).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("copies another HeaderMap without sharing arrays", () => {
    const a = new HeaderMap();
    a.append("link", "1").append("link", "2");
    const b = new HeaderMap(a);
    b.append("link", "3");
    expect(a.getAll("link")).toEqual(["1", "2"]);
    expect(b.getAll("link")).toEqual(["1", "2", "3"]);
  });
});
