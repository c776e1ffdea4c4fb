/**
 * MultiDict: the multi-value map behind `request.query` and `request.form()`
 *.
 */
import { describe, expect, it } from "vitest";
import { BadRequest, type HttpError, MultiDict } from "../../lib/index.js";

describe("MultiDict.parse()", () => {
  it("get() gives the first value, never an array; getAll() every value in order", () => {
    const q = MultiDict.parse("tag=a&tag=b&page=2");
    expect(q.get("tag")).toBe("a");
    expect(q.getAll("tag")).toEqual(["a", "b"]);
    expect(q.get("page")).toBe("2");
    expect(q.get("missing")).toBeUndefined();
    expect(q.get("missing", "fallback")).toBe("fallback");
    expect(q.getAll("missing")).toEqual([]);
  });

  it("has(), keys(), entries(), values() and size follow first-seen order", () => {
    const q = MultiDict.parse("b=1&a=2&b=3");
    expect(q.has("a")).toBe(true);
    expect(q.has("c")).toBe(false);
    expect([...q.keys()]).toEqual(["b", "a"]);
    expect([...q.entries()]).toEqual([["b", "1"], ["b", "3"], ["a", "2"]]);
    expect([...q]).toEqual([["b", "1"], ["b", "3"], ["a", "2"]]);
    expect([...q.values()]).toEqual(["1", "3", "2"]);
    expect(q.size).toBe(2);
  });

  it("decodes + as a space and percent escapes; keeps an invalid escape as written", () => {
    const q = MultiDict.parse("name=Ada+Lovelace&city=S%C3%A3o%20Paulo&bad=%E0%A4%A&pct=100%");
    expect(q.get("name")).toBe("Ada Lovelace");
    expect(q.get("city")).toBe("São Paulo");
    expect(q.get("bad")).toBe("%E0%A4%A");
    expect(q.get("pct")).toBe("100%");
  });

  it("skips empty pairs and gives a key without = the empty string", () => {
    const q = MultiDict.parse("a=1&&flag&=x&b=");
    expect([...q.entries()]).toEqual([["a", "1"], ["flag", ""], ["", "x"], ["b", ""]]);
    expect(MultiDict.parse("").size).toBe(0);
  });

  it("treats __proto__, constructor and prototype as ordinary keys (no prototype pollution)", () => {
    const q = MultiDict.parse("__proto__=x&constructor=y&prototype=z&__proto__[polluted]=1");
    expect(q.get("__proto__")).toBe("x");
    expect(q.get("constructor")).toBe("y");
    expect(q.get("prototype")).toBe("z");
    expect(q.get("toString")).toBeUndefined();
    const object = q.toObject();
    expect(Object.getPrototypeOf(object)).toBeNull();
    expect(Object.keys(object)).toEqual(["__proto__", "constructor", "prototype", "__proto__[polluted]"]);
    expect(object["__proto__"]).toBe("x");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses more than maxParams pairs with a 400, fast, even for 100,000 pairs", () => {
    const hostile = "a=1&".repeat(100_000);
    const started = performance.now();
    let error: unknown;
    try {
      MultiDict.parse(hostile);
    } catch (caught) {
      error = caught;
    }
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(BadRequest);
    expect((error as HttpError).status).toBe(400);
    expect((error as Error).message).toBe("Too many parameters: more than 1000.");
    expect(elapsed).toBeLessThan(20);
    expect(() => MultiDict.parse("a=1&b=2&c=3", 2)).toThrow("Too many parameters: more than 2.");
    expect(MultiDict.parse("a=1&b=2", 2).size).toBe(2);
  });

  it("stays linear on pairs without = (no rescanning the rest for each pair)", () => {
    const started = performance.now();
    const q = MultiDict.parse("a&".repeat(100_000), 200_000);
    expect(performance.now() - started).toBeLessThan(100);
    expect(q.getAll("a")).toHaveLength(100_000);
    expect([...MultiDict.parse("a&b=1&c&d=2=3&e")]).toEqual([["a", ""], ["b", "1"], ["c", ""], ["d", "2=3"], ["e", ""]]);
  });

  it("parses 100,000 pairs in a few ms when the cap allows them", () => {
    const started = performance.now();
    const q = MultiDict.parse("a=1&".repeat(100_000), 200_000);
    expect(performance.now() - started).toBeLessThan(100);
    expect(q.getAll("a")).toHaveLength(100_000);
  });
});

describe("MultiDict mutability", () => {
  it("a parsed map is immutable, with a message pointing to copy()", () => {
    const q = MultiDict.parse("a=1");
    expect(q.mutable).toBe(false);
    expect(() => q.set("a", "2")).toThrow("This MultiDict is immutable (it was parsed from the request); use copy().");
    expect(() => q.append("a", "2")).toThrow(TypeError);
    expect(() => q.delete("a")).toThrow(TypeError);
    expect(q.get("a")).toBe("1");
  });

  it("copy() is mutable and independent", () => {
    const q = MultiDict.parse("a=1&a=2");
    const copy = q.copy();
    expect(copy.mutable).toBe(true);
    copy.append("a", "3").set("b", "x");
    expect(copy.getAll("a")).toEqual(["1", "2", "3"]);
    expect(copy.delete("b")).toBe(true);
    expect(copy.delete("b")).toBe(false);
    expect(q.getAll("a")).toEqual(["1", "2"]);
  });

  it("getAll() returns a copy, so callers cannot change the map", () => {
    const q = MultiDict.parse("a=1");
    q.getAll("a").push("2");
    expect(q.getAll("a")).toEqual(["1"]);
  });

  it("is built from a record (arrays for repeated names) or from pairs", () => {
    expect([...new MultiDict({ a: "1", b: ["2", "3"] })]).toEqual([["a", "1"], ["b", "2"], ["b", "3"]]);
    expect(new MultiDict([["x", "1"], ["x", "2"]]).getAll("x")).toEqual(["1", "2"]);
    expect(new MultiDict({ a: "1" }, false).mutable).toBe(false);
  });
});

describe("MultiDict output", () => {
  it("toString() urlencodes (spaces as +) and round-trips through parse()", () => {
    const d = new MultiDict({ q: "shoes & socks", tag: ["a/b", "ü"], "k=": "=" });
    const text = d.toString();
    expect(text).toBe("q=shoes+%26+socks&tag=a%2Fb&tag=%C3%BC&k%3D=%3D");
    expect([...MultiDict.parse(text)]).toEqual([...d]);
  });

  it("toObject() gives a string for one value and an array for several", () => {
    expect({ ...MultiDict.parse("a=1&b=2&b=3").toObject() }).toEqual({ a: "1", b: ["2", "3"] });
  });
});

describe("MultiDict as Django's QueryDict", () => {
  it("getLast() reads the last value (Django's q[name]), with a fallback", () => {
    const q = MultiDict.parse("a=1&a=2&b=x");
    expect(q.getLast("a")).toBe("2");
    expect(q.getLast("b")).toBe("x");
    expect(q.getLast("missing")).toBeUndefined();
    expect(q.getLast("missing", "none")).toBe("none");
  });

  it("lists() gives each name with all its values, as copies", () => {
    const q = MultiDict.parse("a=1&b=2&a=3");
    const lists = [...q.lists()];
    expect(lists).toEqual([["a", ["1", "3"]], ["b", ["2"]]]);
    lists[0]![1].push("changed");
    expect(q.getAll("a")).toEqual(["1", "3"]);
  });

  it("update() appends, from a MultiDict, pairs or a record, itself included", () => {
    const d = new MultiDict({ a: "1" });
    d.update(MultiDict.parse("a=2&b=3"));
    d.update([["c", "4"]]);
    d.update({ a: ["5", "6"] });
    expect([...d]).toEqual([["a", "1"], ["a", "2"], ["a", "5"], ["a", "6"], ["b", "3"], ["c", "4"]]);
    d.update(d);
    expect(d.getAll("c")).toEqual(["4", "4"]);
  });

  it("setAll() replaces every value (Django's setlist); an empty list removes the name", () => {
    const d = new MultiDict({ a: ["1", "2"], b: "x" });
    d.setAll("a", ["3", "4", "5"]);
    expect(d.getAll("a")).toEqual(["3", "4", "5"]);
    d.setAll("b", []);
    expect(d.has("b")).toBe(false);
    d.setAll("c", new Set(["7"]));
    expect(d.get("c")).toBe("7");
  });

  it("setDefault() returns the last value when there is one, else sets and returns the default", () => {
    const d = new MultiDict({ a: ["1", "2"] });
    expect(d.setDefault("a", "9")).toBe("2");
    expect(d.getAll("a")).toEqual(["1", "2"]);
    expect(d.setDefault("b", "9")).toBe("9");
    expect(d.getAll("b")).toEqual(["9"]);
  });

  it("keeps the mutability rules: a parsed map refuses update, setAll and setDefault", () => {
    const q = MultiDict.parse("a=1");
    const message = "This MultiDict is immutable (it was parsed from the request); use copy().";
    expect(() => q.update({ b: "2" })).toThrow(message);
    expect(() => q.setAll("a", ["2"])).toThrow(message);
    expect(() => q.setDefault("a", "2")).toThrow(message);
    expect(q.copy().setDefault("a", "2")).toBe("1");
  });

  it("parse() decodes escapes in a form's charset when it is not UTF-8", () => {
    expect(MultiDict.parse("name=%E9t%E9&x=caf%C3%A9", 1000, "iso-8859-1").toObject()).toEqual({ name: "été", x: "cafÃ©" });
    expect(MultiDict.parse("name=%E9t%E9", 1000).get("name")).toBe("%E9t%E9");
    expect(MultiDict.parse("a=%zz+b", 1000, "iso-8859-1").get("a")).toBe("%zz b");
  });
});
