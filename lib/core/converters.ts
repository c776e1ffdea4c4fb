/**
 * Route parameter converters: validate a parameter on the way in, give the
 * handler a typed value, and format it on the way out in URL building.
 */
import { BadRequest } from "../http/errors.js";

/**
 * A parameter converter, given in a route's `params` option. `pattern`
 * (matched against the whole decoded value) decides whether the route
 * matches at all: a value that does not fit is not this route's, so the
 * next route is tried (and, if none fits, 404). `parse` turns a fitting
 * value into the handler's value; if it throws, the request is a 400.
 * `format` turns a value back into path text for URL building.
 *
 * @example
 * const yearMonth: Converter<{ year: number; month: number }> = {
 *   pattern: /\d{4}-\d{2}/,
 *   parse: (text) => ({ year: Number(text.slice(0, 4)), month: Number(text.slice(5)) }),
 *   format: (v) => `${v.year}-${String(v.month).padStart(2, "0")}`,
 * };
 * new Route("/archive/:ym", ArchiveHandler, { params: { ym: yearMonth } });
 */
export interface Converter<T = unknown> {
  readonly pattern?: RegExp;
  parse(text: string): T;
  format?(value: T): string;
}

/** The value type a converter gives. */
export type ConvertedType<C> = C extends Converter<infer T> ? T : string;

/** An integer in the safe range (`-?\d+`), as a `number`. */
const int: Converter<number> = {
  pattern: /-?\d{1,16}/,
  parse(text) {
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw new BadRequest(`"${text}" is not a safe integer.`);
    return value;
  },
  format(value) {
    if (!Number.isSafeInteger(value)) throw new TypeError(`${String(value)} is not an integer.`);
    return String(value);
  },
};

/** A UUID (any version), lower-cased. */
const uuid: Converter<string> = {
  pattern: /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/,
  parse: (text) => text.toLowerCase(),
  format: (value) => value.toLowerCase(),
};

/** A finite decimal number (`-?\d+(\.\d+)?`), as a `number`. */
const float: Converter<number> = {
  pattern: /-?\d{1,16}(?:\.\d{1,16})?/,
  parse: (text) => Number(text),
  format(value) {
    if (!Number.isFinite(value)) throw new TypeError(`${String(value)} is not a finite number.`);
    return String(value);
  },
};

/**
 * The built-in converters: `int`, `float` and `uuid`.
 *
 * @example
 * new Route("/users/:id", UserHandler, { name: "user", params: { id: converters.int } });
 * // GET /users/42 → get(params) with params.id === 42; GET /users/ada → 404
 * app.uriFor("user", { id: 42 });   // "/users/42"
 */
export const converters = { int, float, uuid } as const;

/** Whether a `params` entry is a converter (rather than a plain RegExp constraint). */
export function isConverter(value: unknown): value is Converter {
  return typeof value === "object" && value !== null && !(value instanceof RegExp) && typeof (value as Converter).parse === "function";
}
