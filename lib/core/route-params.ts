/**
 * Compile-time route parameters: the params object a path-to-regexp
 * template gives, computed from the template's literal type.
 */

type IdentChar =
  | "a" | "b" | "c" | "d" | "e" | "f" | "g" | "h" | "i" | "j" | "k" | "l" | "m"
  | "n" | "o" | "p" | "q" | "r" | "s" | "t" | "u" | "v" | "w" | "x" | "y" | "z"
  | "A" | "B" | "C" | "D" | "E" | "F" | "G" | "H" | "I" | "J" | "K" | "L" | "M"
  | "N" | "O" | "P" | "Q" | "R" | "S" | "T" | "U" | "V" | "W" | "X" | "Y" | "Z"
  | "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "_" | "$";

/** Read an identifier off the front of `S`: `[name, rest]`. */
type TakeName<S extends string, Name extends string = ""> = S extends `${infer C}${infer Rest}`
  ? C extends IdentChar
    ? TakeName<Rest, `${Name}${C}`>
    : [Name, S]
  : [Name, ""];

type Field<Name extends string, Value, Optional extends boolean> = Optional extends true
  ? { [K in Name]?: Value }
  : { [K in Name]: Value };

/** Walk a template without groups, collecting `:name` (a string) and `*name` (an array of segments). */
type Walk<S extends string, Optional extends boolean, Out = {}> = S extends `\\${string}${infer Rest}`
  ? Walk<Rest, Optional, Out>
  : S extends `:${infer Rest}`
    ? TakeName<Rest> extends [infer N extends string, infer R extends string]
      ? Walk<R, Optional, Out & Field<N, string, Optional>>
      : Out
    : S extends `*${infer Rest}`
      ? TakeName<Rest> extends [infer N extends string, infer R extends string]
        ? Walk<R, Optional, Out & Field<N, string[], Optional>>
        : Out
      : S extends `${string}${infer Rest}`
        ? Walk<Rest, Optional, Out>
        : Out;

/** Split off `{optional}` groups: parameters inside one are optional. */
type Groups<S extends string, Optional extends boolean = false> = S extends `${infer Before}{${infer Inside}}${infer After}`
  ? Walk<Before, Optional> & Groups<Inside, true> & Groups<After, Optional>
  : Walk<S, Optional>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The params object a template gives: `:name` is a `string`, `*splat` a
 * `string[]` (the runtime splits it into segments), and parameters inside
 * `{...}` are optional. A non-literal `string` gives a loose record.
 *
 * @example
 * type P = ParamsOf<"/users/:id/posts{/:slug}">;   // { id: string; slug?: string }
 * type F = ParamsOf<"/files/*path">;               // { path: string[] }
 */
export type ParamsOf<Template extends string> = string extends Template
  ? Record<string, string | string[] | undefined>
  : Simplify<Groups<Template>>;

/**
 * The params a handler gets from a template and its `params` converters:
 * a converted parameter has the converter's type (`converters.int` →
 * `number`); the others stay as `ParamsOf` gives them.
 *
 * @example
 * type P = RouteParams<"/users/:id/:tab", { id: Converter<number> }>;  // { id: number; tab: string }
 */
export type RouteParams<Template extends string, Conv = {}> = string extends Template
  ? Record<string, any>
  : Simplify<{
      [K in keyof ParamsOf<Template>]: K extends keyof Conv ? (Conv[K] extends { parse(text: string): infer T } ? T : ParamsOf<Template>[K]) : ParamsOf<Template>[K];
    }>;

/**
 * What URL building accepts for a route's params: numbers where strings go,
 * the converter's type for converted params, and extra keys for the query
 * string.
 */
export type BuildParams<T> = {
  [K in keyof T]: T[K] extends string ? string | number : T[K] extends string[] ? readonly (string | number)[] : T[K];
} & Record<string, unknown>;

/** A route's name and pattern, read off its type (`Route<P, N>`); unnamed routes and dynamic names give `never`. */
type NamedRoute<R> = R extends { readonly pattern: infer P; readonly name: infer N; readonly paramsType: infer T }
  ? [Exclude<N, undefined>] extends [never]
    ? never
    : string extends Exclude<N, undefined>
      ? never
      : { name: Exclude<N, undefined>; pattern: P; params: T }
  : never;

/**
 * The typed route table of a list of routes: each literal route name to
 * its params type. Routes made with `new Route(pattern, handler, { name })`
 * (or `RedirectRoute`) contribute; `[pattern, handler]` pairs do not.
 */
export type RouteTable<Routes> = Routes extends readonly (infer R)[]
  ? { [E in NamedRoute<R> as E["name"] & string]: E["params"] }
  : {};

/** The names `uriFor` accepts: the table's names, or any string when the routes are not typed. */
export type RouteName<Routes> = [keyof RouteTable<Routes>] extends [never] ? string : keyof RouteTable<Routes> & string;

/**
 * The rest of `uriFor`'s arguments for a name: its params (required when
 * the template has required parameters; numbers welcome, extra keys go to
 * the query string) and build options.
 */
export type UriForArgs<Routes, Name extends string, Options> = [keyof RouteTable<Routes>] extends [never]
  ? [params?: Record<string, unknown>, options?: Options]
  : Name extends keyof RouteTable<Routes>
    ? {} extends RouteTable<Routes>[Name]
      ? [params?: BuildParams<RouteTable<Routes>[Name]>, options?: Options]
      : [params: BuildParams<RouteTable<Routes>[Name]>, options?: Options]
    : never;

type Unconvertible<R> = R extends symbol | bigint | Function ? R : never;

/**
 * A compile-time check of a handler's return type against what the
 * dispatcher converts (everything but functions, symbols and bigints):
 * `unknown` when it is fine, an impossible type naming the problem when not.
 */
export type CheckResult<H> = H extends (...args: any[]) => infer R
  ? [Unconvertible<Awaited<R>>] extends [never]
    ? unknown
    : { "handlerkit: the dispatcher cannot turn this return type into a response": Unconvertible<Awaited<R>> }
  : H extends abstract new (...args: any[]) => infer I
    ? [{ [K in keyof I]: K extends "get" | "post" | "put" | "patch" | "delete" | "head" | "options" | "trace" ? (I[K] extends (...args: any[]) => infer R ? Unconvertible<Awaited<R>> : never) : never }[keyof I]] extends [never]
      ? unknown
      : { "handlerkit: a verb method returns what the dispatcher cannot turn into a response": true }
    : unknown;
