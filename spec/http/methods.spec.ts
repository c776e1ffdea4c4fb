/**
 * lib/http/methods.ts: the standard verbs, a function's set, method names
 * and the `Allow` a set of methods gives.
 */
import { describe, expect, it } from "vitest";
import { allowedSet, allowHeader, FUNCTION_METHODS, implementedMethods, isMethodToken, methodName, STANDARD_METHODS } from "../../lib/http/methods.js";

describe("allowedSet() and allowHeader()", () => {
  it("add HEAD beside GET and OPTIONS always, keep only the served methods, and sort", () => {
    expect(allowHeader(allowedSet(["PUT", "GET"], STANDARD_METHODS))).toBe("GET, HEAD, OPTIONS, PUT");
    expect(allowHeader(allowedSet(["POST"], STANDARD_METHODS))).toBe("OPTIONS, POST");
    expect(allowHeader(allowedSet(["GET", "PROPFIND"], ["GET", "PROPFIND"]))).toBe("GET, PROPFIND");
    expect(allowHeader(allowedSet(FUNCTION_METHODS, STANDARD_METHODS))).toBe("DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
  });
});

describe("method names", () => {
  it("methodName() maps a verb to its handler method; implementedMethods() reads a class", () => {
    expect(["GET", "VERSION-CONTROL"].map(methodName)).toEqual(["get", "version_control"]);
    class Handler {
      get() {}
      version_control() {}
    }
    expect(implementedMethods(Handler.prototype, ["GET", "POST", "VERSION-CONTROL"])).toEqual(["GET", "VERSION-CONTROL"]);
  });

  it("isMethodToken() takes RFC 9110 tokens only", () => {
    expect(["GET", "PROPFIND", "M-SEARCH", "x~y"].map(isMethodToken)).toEqual([true, true, true, true]);
    expect(["", "GET POST", "GÉT", "a,b", 7].map(isMethodToken)).toEqual([false, false, false, false, false]);
    expect(FUNCTION_METHODS.has("TRACE")).toBe(false);
  });
});
