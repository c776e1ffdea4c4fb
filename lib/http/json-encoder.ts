/**
 * JSON encoding: the default encoder (which knows the values `JSON.stringify`
 * gets wrong) and the pluggable `{ stringify, parse }` options that apps and
 * JSON views accept.
 */

/**
 * A JSON serializer with `JSON.stringify`'s signature, so `JSON.stringify`
 * itself, `safe-stable-stringify` or a schema-compiled serializer plug in
 * as they are. handlerkit calls it as `stringify(value)`, or
 * `stringify(value, undefined, indent)` when an `indent` is set.
 */
export type JsonStringify = (value: unknown, replacer?: undefined, space?: number | string) => string | undefined;

/** A JSON parser with `JSON.parse`'s first parameter. */
export type JsonParse = (text: string) => unknown;

/**
 * How an application or a JSON view writes (and the application reads)
 * JSON. Every field is optional; a view's fields win over the app's, and
 * the app's over the defaults.
 *
 * @example
 * new Application(routes, { json: { indent: 2, contentType: "application/json; charset=utf-8" } });
 * jsonView(fn, { stringify: fastStringify, contentType: "application/vnd.api+json" });
 */
export interface JsonOptions {
  /** The serializer; the default is {@link encodeJson}. */
  stringify?: JsonStringify;
  /** The parser behind `request.json()` (app-wide only); the default is `JSON.parse`. */
  parse?: JsonParse;
  /** Indentation (spaces, or the string to indent with); none by default, for the smallest body. */
  indent?: number | string;
  /** The `Content-Type` of JSON bodies; `application/json` by default. */
  contentType?: string;
}

/** The `Content-Type` of JSON bodies unless configured otherwise. */
export const JSON_CONTENT_TYPE = "application/json";

// The containers already converted during the current encodeJson() call, so
// that a Map or Set met twice yields the same object. That keeps a shared
// Map a shared value and, above all, lets JSON.stringify see a cycle through
// a Map (it only detects an object already on its stack). Saved and restored
// around each call because a toJSON() may itself call encodeJson().
let converted: WeakMap<object, unknown> | undefined;

// Called by JSON.stringify for every key, after the value's own toJSON().
// The common cases (primitives, arrays) return first and nothing is
// allocated for plain data. A replacer still makes JSON.stringify about
// 1.5x slower on plain objects (a quick measurement on a loaded machine);
// an app that never sends Maps, Sets, BigInts or typed arrays can plug
// `stringify: JSON.stringify`.
function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  // A typed array's own toJSON (Buffer's `{ type, data }`) has already run:
  // read the original from the holder to encode bytes as a plain array.
  const original = this[key];
  if (ArrayBuffer.isView(original) && !(original instanceof DataView)) {
    return Array.from(original as unknown as ArrayLike<number | bigint>, (n) => (typeof n === "bigint" ? n.toString() : n));
  }
  if (value instanceof Map) return convertOnce(value, mapToObject);
  if (value instanceof Set) return convertOnce(value, (set: Set<unknown>) => [...set]);
  return value;
}

function convertOnce<T extends object>(value: T, convert: (value: T) => unknown): unknown {
  converted ??= new WeakMap();
  let result = converted.get(value);
  if (result === undefined) {
    result = convert(value);
    converted.set(value, result);
  }
  return result;
}

function mapToObject(map: Map<unknown, unknown>): Record<string, unknown> {
  // No prototype: a "__proto__" key is data, not a way to swap the prototype.
  const object = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of map) object[typeof key === "string" ? key : String(key)] = value;
  return object;
}

/**
 * The default JSON encoder: `JSON.stringify` plus the values it gets wrong
 * or refuses. `Date` is ISO 8601 and `URL` its `href` (their `toJSON`), any
 * object with `toJSON` is encoded through it, `BigInt` becomes a decimal
 * string (a JSON number would lose precision past 2^53), a `Map` an object
 * (keys as strings), a `Set` an array, and a typed array (a `Buffer` too) an
 * array of numbers. A cycle is a `TypeError` saying where it closes, and
 * nesting too deep for the stack a `RangeError`, never a crash.
 *
 * @example
 * encodeJson({ at: new Date(0), id: 2n ** 64n, tags: new Set(["a"]) });
 * // '{"at":"1970-01-01T00:00:00.000Z","id":"18446744073709551616","tags":["a"]}'
 */
export function encodeJson(value: unknown, indent?: number | string): string {
  // perf(bench: param, json-post): plain data needs none of the replacer's
  // conversions, and the replacer makes JSON.stringify about 1.5x slower.
  if (isPlain(value)) return JSON.stringify(value, undefined, indent);
  const outer = converted;
  converted = undefined;
  try {
    return JSON.stringify(value, replacer, indent) ?? "null";
  } catch (error) {
    throw encodingError(error);
  } finally {
    converted = outer;
  }
}

// perf(bench: json-post): whether the value is data JSON.stringify encodes
// right without help, at most PLAIN_BUDGET values deep in all: plain objects
// and arrays (and Dates) of strings, numbers, booleans and nulls. Walking it
// here costs far less than the replacer, which the engine calls back into
// JavaScript for at every key. Anything else (a Map, a Set, a BigInt, bytes,
// an object with its own toJSON, a cycle, a tree too big to walk) takes the
// replacer's path, which also names a cycle's error.
const PLAIN_BUDGET = 2048;

function isPlain(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value)) || value === null;
  // A stack of its own: a getter read on the way may encode JSON itself.
  const pending: object[] = [value];
  let budget = PLAIN_BUDGET;
  while (pending.length > 0) {
    const at = pending.pop()!;
    // perf(bench: json-post): `constructor` is a load the engine inlines,
    // where Object.getPrototypeOf() calls into its runtime; the prototype
    // is read only when the constructor is neither Object nor Array.
    const ctor = (at as { constructor?: unknown }).constructor;
    const proto = ctor === Object ? Object.prototype : ctor === Array && Array.isArray(at) ? Array.prototype : Object.getPrototypeOf(at);
    if (proto === Array.prototype) {
      // By index: for-in would make a string of every index.
      const items = at as unknown[];
      if ((budget -= items.length) < 0) return false;
      for (let i = 0; i < items.length; i++) if (!isPlainItem(items[i], pending)) return false;
      continue;
    }
    if (proto === Date.prototype) continue;
    if ((proto !== Object.prototype && proto !== null) || "toJSON" in at) return false;
    // perf: for-in over an object's keys, about three times faster than
    // Object.values() on parsed JSON, which makes an array per object.
    for (const key in at) {
      if (--budget < 0 || !isPlainItem((at as Record<string, unknown>)[key], pending)) return false;
    }
  }
  return true;
}

// One value met in the walk: containers go on the stack, a BigInt is not plain.
function isPlainItem(item: unknown, pending: object[]): boolean {
  if (typeof item === "object") {
    if (item !== null) pending.push(item);
    return true;
  }
  return typeof item !== "bigint";
}

// Turn the engine's errors into ones that say what to fix.
function encodingError(error: unknown): unknown {
  if (error instanceof TypeError && /circular/i.test(error.message)) {
    const where = error.message.split("\n").slice(1).map((line) => line.trim()).join(" ");
    return new TypeError(`Cannot encode a cycle as JSON${where ? ` (${where})` : ""}: an object contains itself.`, { cause: error });
  }
  if (error instanceof RangeError) {
    return new RangeError("Cannot encode this value as JSON: it is nested too deeply (or is a cycle through toJSON()).", { cause: error });
  }
  return error;
}

/**
 * Encode `value` with the first `stringify` and `indent` set among the
 * given options (a view's, then the app's), or with {@link encodeJson}.
 * `undefined` (which `JSON.stringify` returns for a function) encodes as
 * `null`, so the body is always JSON.
 */
export function stringifyWith(value: unknown, view?: JsonOptions, app?: JsonOptions): string {
  const stringify = view?.stringify ?? app?.stringify;
  const indent = view?.indent ?? app?.indent;
  if (stringify === undefined) return encodeJson(value, indent);
  return (indent === undefined ? stringify(value) : stringify(value, undefined, indent)) ?? "null";
}

/** The `Content-Type` for JSON bodies under the given options (a view's, then the app's). */
export function jsonContentType(view?: JsonOptions, app?: JsonOptions): string {
  return view?.contentType ?? app?.contentType ?? JSON_CONTENT_TYPE;
}
