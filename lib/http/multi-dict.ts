/**
 * A multi-value map for query strings and forms, in the manner of Django's
 * `QueryDict` and WebOb's `MultiDict`.
 */
import { BadRequest } from "./errors.js";

/** The default cap on the number of pairs a query string or form may hold. */
export const DEFAULT_MAX_PARAMS = 1000;

/**
 * A map from names to one or more values: strings for query strings and
 * urlencoded forms, `string | UploadedFile` for multipart forms (as the web's
 * `FormData`). `get` gives the first value (never an array), `getLast` the
 * last (Django's `q["a"]`), `getAll` every value, `lists()` each name with
 * all its values. Maps parsed from a request are immutable; `copy()` gives
 * a mutable one, which `set`, `append`, `setAll`, `setDefault`, `update`
 * and `delete` change. Keys are kept in a `Map`, so `__proto__`,
 * `constructor` or `prototype` are ordinary keys.
 *
 * @example
 * const q = MultiDict.parse("tag=a&tag=b&page=2");
 * q.get("tag");      // "a"
 * q.getLast("tag");  // "b"
 * q.getAll("tag");   // ["a", "b"]
 * q.toString();      // "tag=a&tag=b&page=2"
 */
export class MultiDict<V = string> implements Iterable<[string, V]> {
  #map: Map<string, V[]>;
  #mutable: boolean;

  constructor(init?: Iterable<readonly [string, V]> | Record<string, V | readonly V[]>, mutable = true) {
    this.#map = new Map();
    this.#mutable = true;
    if (init) {
      if (Symbol.iterator in init) {
        for (const [k, v] of init as Iterable<readonly [string, V]>) this.append(k, v);
      } else {
        for (const k of Object.keys(init)) {
          const v = (init as Record<string, V | readonly V[]>)[k]!;
          if (Array.isArray(v)) for (const item of v as readonly V[]) this.append(k, item);
          else this.append(k, v as V);
        }
      }
    }
    this.#mutable = mutable;
  }

  /**
   * Parse an `application/x-www-form-urlencoded` string (a query string
   * without its `?`). `+` is a space; an invalid escape is kept as written.
   * More than `maxParams` pairs is a `BadRequest` (400), found without
   * decoding the rest, so a hostile 100,000-pair string costs little.
   * Escapes are UTF-8 unless `charset` names another (`iso-8859-1`:
   * `%E9` is `é`), as a form body's charset (`request.charset`) says.
   */
  static parse(text: string, maxParams = DEFAULT_MAX_PARAMS, charset?: string): MultiDict<string> {
    const dict = new MultiDict<string>();
    const decode = charset === undefined || charset === "utf-8" || charset === "utf8" ? decodeUtf8 : charsetDecoder(charset);
    const map = dict.#map;
    let count = 0;
    let start = 0;
    // perf: the next "=" is searched again only once passed, so pairs
    // without one ("a&a&a...") cannot make each search scan to the end
    // (quadratic on hostile input; spec/http/multi-dict.spec.ts).
    let eq = -2;
    const length = text.length;
    while (start <= length) {
      let end = text.indexOf("&", start);
      if (end === -1) end = length;
      if (end > start) {
        if (++count > maxParams) {
          throw new BadRequest(`Too many parameters: more than ${maxParams}.`);
        }
        if (eq !== -1 && eq < start) eq = text.indexOf("=", start);
        let key: string;
        let value: string;
        if (eq === -1 || eq > end) {
          key = decode(text.slice(start, end));
          value = "";
        } else {
          key = decode(text.slice(start, eq));
          value = decode(text.slice(eq + 1, end));
        }
        const values = map.get(key);
        if (values) values.push(value);
        else map.set(key, [value]);
      }
      start = end + 1;
    }
    dict.#mutable = false;
    return dict;
  }

  /** The first value for `name`, or `fallback` when there is none. */
  get(name: string): V | undefined;
  get<F>(name: string, fallback: F): V | F;
  get(name: string, fallback?: unknown): unknown {
    const values = this.#map.get(name);
    return values ? values[0] : fallback;
  }

  /** The last value for `name` (Django's `q["name"]`), or `fallback` when there is none. */
  getLast(name: string): V | undefined;
  getLast<F>(name: string, fallback: F): V | F;
  getLast(name: string, fallback?: unknown): unknown {
    const values = this.#map.get(name);
    return values ? values[values.length - 1] : fallback;
  }

  /** Every value for `name`, in order; `[]` when there is none. */
  getAll(name: string): V[] {
    const values = this.#map.get(name);
    return values ? values.slice() : [];
  }

  /** Whether `name` has at least one value. */
  has(name: string): boolean {
    return this.#map.has(name);
  }

  /** The distinct names, in first-seen order. */
  keys(): IterableIterator<string> {
    return this.#map.keys();
  }

  /** Every `[name, value]` pair, a repeated name once per value. */
  *entries(): IterableIterator<[string, V]> {
    for (const [k, values] of this.#map) for (const v of values) yield [k, v];
  }

  /**
   * Each distinct name with all its values, in first-seen order (Django's
   * `lists()`); the arrays are copies.
   */
  *lists(): IterableIterator<[string, V[]]> {
    for (const [k, values] of this.#map) yield [k, values.slice()];
  }

  /** Every value, a repeated name's values in order. */
  *values(): IterableIterator<V> {
    for (const values of this.#map.values()) yield* values;
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  /** The number of distinct names. */
  get size(): number {
    return this.#map.size;
  }

  /** Whether `set`, `append` and `delete` are allowed (false for maps parsed from a request). */
  get mutable(): boolean {
    return this.#mutable;
  }

  /** Replace every value of `name` with `value`. */
  set(name: string, value: V): this {
    this.#checkMutable();
    this.#map.set(name, [value]);
    return this;
  }

  /** Add a value to `name`, keeping the ones it had. */
  append(name: string, value: V): this {
    this.#checkMutable();
    const values = this.#map.get(name);
    if (values) values.push(value);
    else this.#map.set(name, [value]);
    return this;
  }

  /**
   * Replace every value of `name` with `values` (Django's `setlist`); an
   * empty list removes the name.
   */
  setAll(name: string, values: Iterable<V>): this {
    this.#checkMutable();
    const list = [...values];
    if (list.length === 0) this.#map.delete(name);
    else this.#map.set(name, list);
    return this;
  }

  /**
   * The last value of `name` if it has one (as Django's `setdefault`
   * returns `q[name]`); otherwise set it to `value` and return `value`.
   * Immutable maps refuse it either way.
   */
  setDefault(name: string, value: V): V {
    this.#checkMutable();
    const values = this.#map.get(name);
    if (values) return values[values.length - 1]!;
    this.#map.set(name, [value]);
    return value;
  }

  /**
   * Append the pairs of `other` (a `MultiDict`, `[name, value]` pairs, or a
   * record whose arrays are several values), keeping the values already
   * here, as Django's `QueryDict.update()` does.
   */
  update(other: Iterable<readonly [string, V]> | Record<string, V | readonly V[]>): this {
    this.#checkMutable();
    const pairs = Symbol.iterator in other ? [...(other as Iterable<readonly [string, V]>)] : new MultiDict<V>(other as Record<string, V | readonly V[]>).entries();
    for (const [k, v] of pairs) this.append(k, v);
    return this;
  }

  /** Remove `name` and all its values. */
  delete(name: string): boolean {
    this.#checkMutable();
    return this.#map.delete(name);
  }

  /** A mutable copy. */
  copy(): MultiDict<V> {
    return new MultiDict<V>(this.entries());
  }

  /**
   * A plain object: one string for a name with one value, an array for a
   * name with several. It has no prototype, so `__proto__` is an own key.
   */
  toObject(): Record<string, V | V[]> {
    const out = Object.create(null) as Record<string, V | V[]>;
    for (const [k, values] of this.#map) out[k] = values.length === 1 ? values[0]! : values.slice();
    return out;
  }

  /** The pairs urlencoded (`a=1&a=2&b=x+y`). */
  toString(): string {
    const parts: string[] = [];
    for (const [k, v] of this.entries()) parts.push(`${encode(k)}=${encode(String(v))}`);
    return parts.join("&");
  }

  #checkMutable(): void {
    if (!this.#mutable) throw new TypeError("This MultiDict is immutable (it was parsed from the request); use copy().");
  }
}

function decodeUtf8(text: string): string {
  // Linear: one literal character.
  if (text.indexOf("+") !== -1) text = text.replace(/\+/g, " ");
  if (text.indexOf("%") === -1) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A decoder of urlencoded text whose escapes are bytes in `charset`: each
 * run of `%XX` escapes is decoded as one byte sequence; other characters
 * (already decoded from the body in that charset) are kept. An unknown
 * charset is a `TypeError` here; `request.text()` answers it with a 415
 * before a form gets this far.
 */
function charsetDecoder(charset: string): (text: string) => string {
  const decoder = new TextDecoder(charset);
  return (text) => {
    if (text.indexOf("+") !== -1) text = text.replace(/\+/g, " ");
    if (text.indexOf("%") === -1) return text;
    let out = "";
    let i = 0;
    while (i < text.length) {
      const bytes: number[] = [];
      while (text.charCodeAt(i) === 37 /* % */ && isHexByte(text, i + 1)) {
        bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
        i += 3;
      }
      if (bytes.length > 0) out += decoder.decode(Uint8Array.from(bytes));
      if (i < text.length) out += text[i++];
    }
    return out;
  };
}

function isHexByte(text: string, at: number): boolean {
  return at + 1 < text.length && isHex(text.charCodeAt(at)) && isHex(text.charCodeAt(at + 1));
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function encode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, "+");
}
