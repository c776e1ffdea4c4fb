import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeJson, JSON_CONTENT_TYPE, jsonContentType, stringifyWith, type JsonStringify } from "../../lib/http/json-encoder.js";

describe("encodeJson(): the default encoder", () => {
  it("encodes plain data as JSON.stringify does", () => {
    const data = { a: 1, b: "two", c: [true, null, 3.5], d: { e: "é\u2028" }, skipped: undefined };
    expect(encodeJson(data)).toBe(JSON.stringify(data));
  });

  it("encodes any plain JSON data (and Dates in it) exactly as JSON.stringify does", () => {
    const withDates = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, fc.jsonValue(), fc.date({ noInvalidDate: true }), fc.array(tie("value")), fc.dictionary(fc.string(), tie("value"))),
    })).value;
    fc.assert(fc.property(withDates, (data) => encodeJson(data) === JSON.stringify(data)), { numRuns: 300 });
  });

  it("reads a `constructor` key as data, and still converts what sits beside it", () => {
    const data = { constructor: { name: "Object" }, items: [{ constructor: "Array" }] };
    expect(encodeJson(data)).toBe(JSON.stringify(data));
    expect(encodeJson({ constructor: Object, tags: new Set(["a"]), list: Object.assign([1], { constructor: Array }), at: [new Map([["k", 1n]])] })).toBe(
      '{"tags":["a"],"list":[1],"at":[{"k":"1"}]}',
    );
    class Point {
      constructor(readonly x: number) {}
    }
    expect(encodeJson([new Point(1), Object.create(null, { m: { value: new Map([["k", 2]]), enumerable: true } })])).toBe('[{"x":1},{"m":{"k":2}}]');
  });

  it("still converts a Map, a Set, a BigInt or bytes deep inside data larger than the quick walk takes", () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({ id: i }));
    expect(JSON.parse(encodeJson({ items, deep: [{ tags: new Set(["a"]), id: 7n, map: new Map([["k", 1]]), bytes: Uint8Array.of(1, 2) }] }))).toEqual({
      items: items.map(({ id }) => ({ id })),
      deep: [{ tags: ["a"], id: "7", map: { k: 1 }, bytes: [1, 2] }],
    });
    // The walk stops at its budget and hands over: a Map past it is converted all the same.
    expect(encodeJson([...items, new Map([["late", true]])]).endsWith(',{"late":true}]')).toBe(true);
  });

  it("encodes Date as ISO 8601 and URL as its href", () => {
    expect(encodeJson({ at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)) })).toBe('{"at":"2024-01-02T03:04:05.006Z"}');
    expect(encodeJson(new URL("https://example.com/a b?x=1"))).toBe('"https://example.com/a%20b?x=1"');
  });

  it("encodes BigInt as a decimal string, at any depth", () => {
    expect(encodeJson(2n ** 64n)).toBe('"18446744073709551616"');
    expect(encodeJson({ id: -5n, list: [1n] })).toBe('{"id":"-5","list":["1"]}');
  });

  it("encodes a Map as an object (keys as strings) and a Set as an array", () => {
    expect(encodeJson(new Map<unknown, unknown>([["a", 1], [true, new Set(["x", "y"])]]))).toBe('{"a":1,"true":["x","y"]}');
    // Integer-like keys come first, as in any JavaScript object.
    expect(encodeJson(new Map<unknown, unknown>([["b", 1], [2, 2]]))).toBe('{"2":2,"b":1}');
    // "__proto__" is an ordinary key, not a prototype.
    expect(encodeJson(new Map([["__proto__", { polluted: true }]]))).toBe('{"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(encodeJson({ tags: new Set([new Map([["k", 1n]])]) })).toBe('{"tags":[{"k":"1"}]}');
    expect(encodeJson(new Map())).toBe("{}");
  });

  it("encodes typed arrays and Buffers as arrays of numbers", () => {
    expect(encodeJson(new Uint8Array([1, 2, 255]))).toBe("[1,2,255]");
    expect(encodeJson({ b: Buffer.from("hi") })).toBe('{"b":[104,105]}');
    expect(encodeJson(new Float64Array([0.5, -1]))).toBe("[0.5,-1]");
    expect(encodeJson(new BigInt64Array([1n, -2n]))).toBe('["1","-2"]');
    expect(encodeJson([new Int16Array([-3])])).toBe("[[-3]]");
  });

  it("encodes objects through their toJSON, and what toJSON returns through the encoder", () => {
    class Money {
      constructor(readonly cents: bigint) {}
      toJSON() {
        return { cents: this.cents, currency: new Set(["EUR"]) };
      }
    }
    expect(encodeJson({ price: new Money(250n) })).toBe('{"price":{"cents":"250","currency":["EUR"]}}');
  });

  it("always gives JSON: undefined and functions at the top are null", () => {
    expect(encodeJson(undefined)).toBe("null");
    expect(encodeJson(() => 1)).toBe("null");
    expect(encodeJson([undefined, () => 1])).toBe("[null,null]");
  });

  it("indents when asked", () => {
    expect(encodeJson({ a: [1] }, 2)).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(encodeJson({ a: 1 }, "\t")).toBe('{\n\t"a": 1\n}');
  });

  it("keeps a Map shared by two branches (not a cycle)", () => {
    const shared = new Map([["k", 1]]);
    expect(encodeJson({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}');
  });

  it("refuses a cycle with a clear TypeError, not a stack overflow", () => {
    const cyclic: Record<string, unknown> = { name: "a" };
    cyclic.self = cyclic;
    expect(() => encodeJson(cyclic)).toThrow(TypeError);
    expect(() => encodeJson(cyclic)).toThrow(/^Cannot encode a cycle as JSON .*property 'self' closes the circle.*: an object contains itself\.$/);
  });

  it("refuses a cycle through a Map or a Set as clearly", () => {
    const map = new Map<string, unknown>();
    map.set("again", { map });
    expect(() => encodeJson({ map })).toThrow(/^Cannot encode a cycle as JSON/);
    const set = new Set<unknown>();
    set.add([set]);
    expect(() => encodeJson(set)).toThrow(/^Cannot encode a cycle as JSON/);
  });

  it("refuses nesting too deep for the stack with a RangeError that says so", () => {
    let deep: unknown[] = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(() => encodeJson(deep)).toThrow("Cannot encode this value as JSON: it is nested too deeply (or is a cycle through toJSON()).");
  });

  it("is re-entrant: a toJSON that calls encodeJson does not disturb the outer call", () => {
    const inner = new Map([["x", 1]]);
    const outer = new Map<string, unknown>([
      ["raw", { toJSON: () => encodeJson(inner) }],
      ["again", inner],
    ]);
    expect(encodeJson(outer)).toBe('{"raw":"{\\"x\\":1}","again":{"x":1}}');
  });
});

describe("stringifyWith() and jsonContentType(): pluggable options", () => {
  it("uses the default encoder when no stringify is set", () => {
    expect(stringifyWith({ s: new Set([1]) })).toBe('{"s":[1]}');
    expect(stringifyWith({ a: 1 }, undefined, { indent: 1 })).toBe('{\n "a": 1\n}');
  });

  it("prefers the view's stringify and indent over the app's", () => {
    const calls: unknown[][] = [];
    const view: JsonStringify = (...args) => {
      calls.push(args);
      return "VIEW";
    };
    const app: JsonStringify = () => "APP";
    expect(stringifyWith({ a: 1 }, { stringify: view }, { stringify: app, indent: 4 })).toBe("VIEW");
    expect(calls).toEqual([[{ a: 1 }, undefined, 4]]);
    expect(stringifyWith({ a: 1 }, {}, { stringify: app })).toBe("APP");
    expect(stringifyWith({ a: 1 }, { indent: 2 }, { indent: 8 })).toBe('{\n  "a": 1\n}');
  });

  it("calls a custom stringify with the value alone when there is no indent, so JSON.stringify plugs in as is", () => {
    expect(stringifyWith({ a: [1] }, { stringify: JSON.stringify })).toBe('{"a":[1]}');
    expect(stringifyWith({ a: 1 }, { stringify: JSON.stringify, indent: 2 })).toBe('{\n  "a": 1\n}');
    expect(stringifyWith(undefined, { stringify: JSON.stringify })).toBe("null");
  });

  it("picks the content type: view, then app, then application/json", () => {
    expect(JSON_CONTENT_TYPE).toBe("application/json");
    expect(jsonContentType()).toBe("application/json");
    expect(jsonContentType(undefined, { contentType: "application/json; charset=utf-8" })).toBe("application/json; charset=utf-8");
    expect(jsonContentType({ contentType: "application/vnd.api+json" }, { contentType: "x/y" })).toBe("application/vnd.api+json");
  });
});
