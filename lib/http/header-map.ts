/**
 * Case-insensitive, multi-value HTTP headers, used by both `Request` and
 * `Response`.
 */

/** A header's stored value: one string, or several for repeated headers such as `Set-Cookie`. */
export type HeaderValue = string | string[];

/** What a `HeaderMap` can be made from. */
export type HeadersInit = HeaderMap | Record<string, HeaderValue | number | undefined> | Iterable<readonly [string, string]>;

// perf: a value is checked once, when it is set. CR, LF and NUL would let a
// value start a new header or end the head (header injection); the other
// controls and characters outside Latin-1 make Node's `writeHead` throw,
// which would reset the socket while `getResponse()` reported success. This
// is exactly the set Node refuses, so both agree. Linear: one character
// class, searched for once.
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

// perf: hello. `Object.create(null)` gives V8 a slow dictionary-mode object,
// which costs Node's header writer about 1 µs per response (benchmarks/
// README.md); an object whose prototype is an empty frozen null-prototype
// object keeps fast properties and still inherits no keys.
const NO_KEYS: object = Object.freeze(Object.create(null));

// perf: hello. Names the framework itself sets are valid and lower case
// already: no regex per set.
const KNOWN_NAMES = new Set([
  "content-type", "content-length", "location", "set-cookie", "allow", "retry-after", "cache-control",
  "x-content-type-options", "content-security-policy", "connection", "etag", "last-modified", "vary",
]);

/**
 * Case-insensitive headers that keep repeated values apart. Names are stored
 * lower case, which is also how they are sent (HTTP header names are
 * case-insensitive). Values containing CR, LF, NUL or another control
 * character, or a character outside Latin-1, are refused with an error
 * where they are set, so no header can be injected through user input and
 * nothing set here makes the response fail on the socket.
 *
 * @example
 * const headers = new HeaderMap({ "Content-Type": "text/plain" });
 * headers.get("content-type"); // "text/plain"
 * headers.append("Set-Cookie", "a=1");
 * headers.append("Set-Cookie", "b=2");
 * headers.getAll("set-cookie"); // ["a=1", "b=2"]
 */
export class HeaderMap implements Iterable<[string, string]> {
  // A null-prototype record with lower-case keys: the exact shape that
  // `res.writeHead(status, headers)` takes, so writing needs no copy.
  #map: Record<string, HeaderValue>;
  #readonly: boolean;

  constructor(init?: HeadersInit) {
    this.#map = Object.create(NO_KEYS) as Record<string, HeaderValue>;
    this.#readonly = false;
    if (init) this.#fill(init);
  }

  /**
   * Wrap the headers of a `node:http` request as they are (Node already
   * lower-cases the names), without copying. The result is read-only.
   */
  static fromNode(headers: Record<string, HeaderValue | undefined>): HeaderMap {
    const map = new HeaderMap();
    map.#map = headers as Record<string, HeaderValue>;
    map.#readonly = true;
    return map;
  }

  #fill(init: HeadersInit): void {
    if (init instanceof HeaderMap) {
      for (const name in init.#map) {
        const value = init.#map[name]!;
        this.#map[name] = Array.isArray(value) ? value.slice() : value;
      }
    } else if (Symbol.iterator in init) {
      for (const [name, value] of init as Iterable<readonly [string, string]>) this.append(name, value);
    } else {
      for (const name of Object.keys(init)) {
        const value = (init as Record<string, HeaderValue | number | undefined>)[name];
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const v of value) this.append(name, v);
        else this.append(name, String(value));
      }
    }
  }

  /** The value of a header, repeated values joined with `, `; `undefined` when absent. */
  get(name: string): string | undefined {
    const value = this.#map[name.toLowerCase()];
    if (typeof value === "string") return value;
    if (Array.isArray(value)) return value.join(", ");
    return undefined;
  }

  /** Every value of a header, in order (`getAll("set-cookie")`); `[]` when absent. */
  getAll(name: string): string[] {
    const value = this.#map[name.toLowerCase()];
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.slice();
    return [];
  }

  /** Whether the header is present. */
  has(name: string): boolean {
    const value = this.#map[name.toLowerCase()];
    return typeof value === "string" || Array.isArray(value);
  }

  /** Set a header, replacing any value it had. */
  set(name: string, value: string | number): this {
    this.#writable();
    // perf(bench: hello): a number's digits need no check (Content-Length on every response).
    this.#map[checkName(name)] = typeof value === "number" ? String(value) : checkValue(name, String(value));
    return this;
  }

  /** Add a value to a header, keeping the ones it had (for `Set-Cookie`, `Vary`, `Link`). */
  append(name: string, value: string | number): this {
    this.#writable();
    const key = checkName(name);
    const text = checkValue(name, String(value));
    const current = this.#map[key];
    if (current === undefined) this.#map[key] = text;
    else if (Array.isArray(current)) current.push(text);
    else this.#map[key] = [current, text];
    return this;
  }

  /** Remove a header. */
  delete(name: string): boolean {
    this.#writable();
    const key = name.toLowerCase();
    if (!(key in this.#map)) return false;
    delete this.#map[key];
    return true;
  }

  /** The header names, lower case. */
  keys(): string[] {
    return Object.keys(this.#map);
  }

  /** Each `[name, value]` pair, a repeated header once per value. */
  *entries(): IterableIterator<[string, string]> {
    for (const name in this.#map) {
      const value = this.#map[name]!;
      if (Array.isArray(value)) for (const v of value) yield [name, v];
      else yield [name, value];
    }
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /** A plain object of the headers (repeated ones as arrays), as `node:http` takes them. */
  toObject(): Record<string, HeaderValue> {
    return this.#map;
  }

  /** How many distinct headers there are. */
  get size(): number {
    return Object.keys(this.#map).length;
  }

  #writable(): void {
    if (this.#readonly) throw new TypeError("These headers are read-only (they are the request's).");
  }
}

function checkName(name: string): string {
  if (KNOWN_NAMES.has(name)) return name;
  if (!TOKEN.test(name)) throw new TypeError(`Invalid header name: ${JSON.stringify(name)}`);
  return name.toLowerCase();
}

// perf(bench: hello): the value checked last. Most responses set the same
// Content-Type as the one before, and comparing it is cheaper than the scan.
let lastValid = "";

function checkValue(name: string, value: string): string {
  if (value === lastValid) return value;
  if (INVALID_VALUE.test(value)) {
    throw new TypeError(
      `Invalid value for header "${name}": CR, LF, NUL and other control characters are not allowed (header injection), nor characters outside Latin-1 (percent-encode them, or use RFC 8187 for parameters).`,
    );
  }
  lastValid = value;
  return value;
}
