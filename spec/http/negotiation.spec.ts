/**
 * Content negotiation (RFC 9110 §12.5), behind request.accepts*().
 */
import { describe, expect, it } from "vitest";
import { acceptedRanges, acceptsCharset, acceptsEncoding, acceptsLanguage, acceptsType } from "../../lib/http/negotiation.js";

describe("acceptsType()", () => {
  it("the most specific matching range sets an offer's quality", () => {
    const header = "text/*;q=0.3, text/html;q=0.7, text/html;level=1, */*;q=0.5";
    expect(acceptsType(header, ["text/plain", "image/png"])).toBe("image/png");
    expect(acceptsType(header, ["text/plain", "text/html"])).toBe("text/html");
  });

  it("ties go to the client's order, then to the order of offers", () => {
    expect(acceptsType("application/json, text/html", ["html", "json"])).toBe("json");
    expect(acceptsType("*/*", ["html", "json"])).toBe("html");
  });

  it("q=0 refuses; a missing or empty header accepts everything", () => {
    expect(acceptsType("text/html, */*;q=0", ["json"])).toBe(false);
    expect(acceptsType("application/*;q=0, */*", ["json", "text"])).toBe("text");
    expect(acceptsType(undefined, ["json"])).toBe("json");
    expect(acceptsType("", ["json"])).toBe("json");
    expect(acceptsType("text/html", [])).toBe(false);
  });

  it("is case-insensitive and ignores parameters other than q", () => {
    expect(acceptsType("Application/JSON; charset=utf-8", ["application/json"])).toBe("application/json");
    expect(acceptsType("application/json", ["application/json; charset=utf-8"])).toBe("application/json; charset=utf-8");
  });

  it("treats a malformed q as 0 and clamps q above 1", () => {
    expect(acceptsType("application/json;q=abc, text/html;q=0.1", ["json", "html"])).toBe("html");
    expect(acceptsType("text/html, application/json;q=5", ["json", "html"])).toBe("html");
  });

  it("reads at most 64 ranges of a hostile header, quickly", () => {
    const hostile = `${"x/y, ".repeat(50_000)}application/json`;
    const started = performance.now();
    expect(acceptsType(hostile, ["json"])).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe("acceptsLanguage(), acceptsEncoding(), acceptsCharset(), acceptedRanges()", () => {
  it("languages: exact beats prefix, prefix works both ways, * matches the rest", () => {
    expect(acceptsLanguage("en-GB, en;q=0.9", ["en", "en-GB"])).toBe("en-GB");
    expect(acceptsLanguage("en", ["en-US"])).toBe("en-US");
    expect(acceptsLanguage("en-US", ["en"])).toBe("en");
    expect(acceptsLanguage("enx", ["en"])).toBe(false);
    expect(acceptsLanguage("fr, *;q=0.5", ["de", "fr"])).toBe("fr");
  });

  it("encodings: identity unless refused", () => {
    expect(acceptsEncoding("br;q=1, gzip;q=0.5", ["gzip", "br"])).toBe("br");
    expect(acceptsEncoding("gzip", ["identity"])).toBe("identity");
    expect(acceptsEncoding("*;q=0", ["identity"])).toBe(false);
    expect(acceptsEncoding("identity;q=0.0", ["identity", "gzip"])).toBe(false);
  });

  it("charsets and the list of accepted ranges", () => {
    expect(acceptsCharset("iso-8859-5, unicode-1-1;q=0.8", ["unicode-1-1", "ISO-8859-5"])).toBe("ISO-8859-5");
    expect(acceptedRanges("a;q=0.2, b, c;q=0, d;q=0.5")).toEqual(["b", "d", "a"]);
    expect(acceptedRanges(undefined)).toEqual([]);
  });
});
