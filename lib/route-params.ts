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
