/**
 * Content negotiation (RFC 9110 §12.5), behind request.accepts*().
 */
import { describe, expect, it } from "vitest";
import { acceptedRanges, acceptsCharset, acceptsEncoding, acceptsLanguage, acceptsType, preferredMediaType } from "../../lib/http/negotiation.js";

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

  it("is case-insensitive; a range without parameters matches an offer with them, not the other way round", () => {
    expect(acceptsType("Application/JSON; charset=utf-8", ["application/json; Charset=UTF-8"])).toBe("application/json; Charset=UTF-8");
    expect(acceptsType("Application/JSON; charset=utf-8", ["application/json"])).toBe(false);
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

describe("acceptsType() with media type parameters (RFC 9110 §12.5.1)", () => {
  it("a range with parameters matches only an offer that has them, whatever their case or order", () => {
    expect(acceptsType("text/html;level=1", ["text/html"])).toBe(false);
    expect(acceptsType("text/html;level=1", ["text/html;level=2"])).toBe(false);
    expect(acceptsType("text/html;level=1", ["text/html", "text/html;Level=1"])).toBe("text/html;Level=1");
    expect(acceptsType('text/html;level=1;foo="bar"', ["text/html;foo=bar;level=1"])).toBe("text/html;foo=bar;level=1");
    expect(acceptsType("text/html;level=1;foo=bar", ["text/html;level=1"])).toBe(false);
  });

  it("a versioned vendor type picks the offer of that version, in any offer order", () => {
    const offers = ["application/vnd.api+json;version=1", "application/vnd.api+json;version=2"];
    expect(acceptsType("application/vnd.api+json;version=2", offers)).toBe("application/vnd.api+json;version=2");
    expect(acceptsType("application/vnd.api+json;version=2", [...offers].reverse())).toBe("application/vnd.api+json;version=2");
    expect(acceptsType("application/vnd.api+json;version=3", offers)).toBe(false);
  });

  it("the more specific range sets the quality: text/html;level=2;q=0.1 does not lower plain text/html", () => {
    expect(acceptsType("text/html;level=2;q=0.1, text/html;q=0.5", ["text/html;level=2", "text/html"])).toBe("text/html");
    expect(acceptsType("text/html;level=2, text/html;q=0.5", ["text/html", "text/html;level=2"])).toBe("text/html;level=2");
  });

  it("commas and semicolons inside a quoted parameter do not start a new range", () => {
    expect(acceptsType('text/html;foo="bar,text/css;"', ["text/css"])).toBe(false);
    expect(acceptsType('text/html;foo="bar,text/css;";fizz="buzz,5", text/plain', ["text/css", "text/plain"])).toBe("text/plain");
    expect(acceptsType('text/html;foo="bar\\", text/css", application/json', ["text/css", "application/json"])).toBe("application/json");
  });

  it("an offer named like an Object.prototype member is an unknown type, not a crash", () => {
    expect(acceptsType("*/*", ["constructor", "json"])).toBe("json");
    expect(acceptsType("*/*", ["__proto__"])).toBe(false);
  });
});

describe("the bound on hostile headers", () => {
  const ranges = (n: number) => Array.from({ length: n }, (_, i) => `x/y${i}`).join(", ");

  it("the 64th range is read, the 65th is not", () => {
    expect(acceptsType(`${ranges(63)}, application/json`, ["json"])).toBe("json");
    expect(acceptsType(`${ranges(64)}, application/json`, ["json"])).toBe(false);
    expect(acceptsLanguage(`${ranges(64)}, fr`, ["fr"])).toBe(false);
    expect(acceptsCharset(`${ranges(64)}, utf-8`, ["utf-8"])).toBe(false);
    expect(acceptedRanges(`${ranges(100)}`)).toHaveLength(64);
  });

  it("empty list elements count towards it; commas inside quotes do not", () => {
    expect(acceptsType(`${",".repeat(10_000)}application/json`, ["json"])).toBe(false);
    expect(acceptsType(`text/html;foo="${",".repeat(10_000)}", application/json`, ["json"])).toBe("json");
    expect(acceptsType(`text/html;foo="a, b", ${ranges(62)}, application/json`, ["json"])).toBe("json");
  });

  it("an encoding beyond it is unknown, so identity is still acceptable", () => {
    expect(acceptsEncoding(`${ranges(64)}, identity;q=0`, ["identity"])).toBe("identity");
    expect(acceptsEncoding(`${ranges(64)}, gzip`, ["gzip", "identity"])).toBe("identity");
  });
});

describe("acceptsLanguage(), acceptsEncoding() and acceptedRanges() in detail", () => {
  it("tags come back as the client or the server wrote them", () => {
    expect(acceptedRanges("en-US, fr-CH;q=0.9, de;q=0")).toEqual(["en-US", "fr-CH"]);
    expect(acceptsLanguage("EN-us", ["fr", "en-US"])).toBe("en-US");
    expect(acceptsLanguage(undefined, ["de-AT", "en"])).toBe("de-AT");
  });

  it("a missing or blank header lists what the caller says means everything", () => {
    expect(acceptedRanges(undefined, "*")).toEqual(["*"]);
    expect(acceptedRanges("  ", "*/*")).toEqual(["*/*"]);
    expect(acceptedRanges("", undefined)).toEqual([]);
  });

  it("no Accept-Encoding, or an empty one, allows identity only", () => {
    expect(acceptsEncoding(undefined, ["br", "gzip", "identity"])).toBe("identity");
    expect(acceptsEncoding("", ["br", "identity"])).toBe("identity");
    expect(acceptsEncoding(undefined, ["gzip"])).toBe(false);
    expect(acceptsEncoding("gzip;q=0.5, br;q=0", ["br", "identity", "gzip"])).toBe("gzip");
  });

  it("a q that is not a number refuses the range, and one above 1 counts as 1, in every header", () => {
    expect(acceptsLanguage("fr;q=x, en;q=0.1", ["fr", "en"])).toBe("en");
    expect(acceptsLanguage("fr, en;q=7", ["en", "fr"])).toBe("fr");
    expect(acceptsCharset("utf-8;q=, latin1;q=0.2", ["utf-8", "latin1"])).toBe("latin1");
    expect(acceptsEncoding("br;q=2, gzip", ["gzip", "br"])).toBe("br");
  });
});

describe("preferredMediaType()", () => {
  const formats = ["application/json", "text/html", "text/plain"];

  it("resolves ties in quality in the order of the offers, not the client's", () => {
    expect(preferredMediaType("text/html, application/json", formats)).toBe("application/json");
    expect(preferredMediaType("text/plain, text/html", formats)).toBe("text/html");
    expect(preferredMediaType("*/*", formats)).toBe("application/json");
    expect(acceptsType("text/html, application/json", formats)).toBe("text/html");
  });

  it("a higher quality wins over the order of the offers", () => {
    const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    expect(preferredMediaType(browser, formats)).toBe("text/html");
    expect(preferredMediaType("text/html;q=0.5, application/json;q=0.4", formats)).toBe("text/html");
    expect(preferredMediaType("text/*, application/json;q=0.9", formats)).toBe("text/html");
  });

  it("an offer takes the quality of its most specific range (RFC 9110's example)", () => {
    const header = "text/*;q=0.3, text/plain;q=0.7, text/plain;format=flowed, text/plain;format=fixed;q=0.4, */*;q=0.5";
    expect(preferredMediaType(header, ["text/plain", "text/plain;format=flowed"])).toBe("text/plain;format=flowed");
    expect(preferredMediaType(header, ["image/jpeg", "text/plain"])).toBe("text/plain");
    expect(preferredMediaType(header, ["text/plain;format=fixed", "image/jpeg"])).toBe("image/jpeg");
    expect(preferredMediaType(header, ["text/html", "text/plain;format=fixed"])).toBe("text/plain;format=fixed");
    expect(preferredMediaType("text/*, text/html;q=0.1", ["text/html", "text/plain"])).toBe("text/plain");
  });

  it("returns the offer as passed, shorthands included; the first with no header; undefined when none is acceptable", () => {
    expect(preferredMediaType("application/json", ["html", "json"])).toBe("json");
    expect(preferredMediaType(undefined, formats)).toBe("application/json");
    expect(preferredMediaType(" ", ["html"])).toBe("html");
    expect(preferredMediaType("image/png", formats)).toBeUndefined();
    expect(preferredMediaType("application/json;q=0, */*", ["json"])).toBeUndefined();
    expect(preferredMediaType("*/*", [])).toBeUndefined();
  });

  it("finds the right offer among as many distinct qualities as the bound lets in", () => {
    const levels = Array.from({ length: 62 }, (_, i) => `x/y${i};q=0.${String(900 - i * 10).padStart(3, "0")}`).join(", ");
    expect(preferredMediaType(`${levels}, text/plain;q=0.001, text/html;q=0.001`, formats)).toBe("text/html");
    expect(preferredMediaType(`${levels}, text/plain;q=0.002`, formats)).toBe("text/plain");
  });
});
