/**
 * The router's index: the routes that can match a path, found by walking
 * the path's segments down a trie keyed by each route's literal prefix,
 * always in route order, so that trying them is the same as trying every
 * route.
 */
import type { Token } from "path-to-regexp";

/**
 * One trie node: the routes whose literal prefix ends here (`own`, as
 * positions in the table) and the candidates of a path that reaches no
 * deeper: its own routes merged, in route order, with those of every
 * ancestor.
 */
interface TrieNode<R> {
  children: Map<string, TrieNode<R>> | undefined;
  own: number[];
  candidates: readonly R[];
}

const node = <R>(): TrieNode<R> => ({ children: undefined, own: [], candidates: [] });

/**
 * The routes of a table that can match a path, in table order. Each route
 * is filed under its literal prefix (`Route.literalPrefix`: the segments
 * every path it matches starts with, `["api", "v1", "users"]` for
 * `/api/v1/users/:id`), in a trie of segments. A lookup walks the path's
 * raw segments as deep as the trie goes; the candidates of the node it
 * stops at are the routes filed there or at any node above it, which are
 * exactly the routes whose prefix the path has. They were merged in route
 * order when the index was built, so a lookup allocates nothing but the
 * segment strings it compares.
 *
 * A route with no literal prefix (`/:lang/about`, a RegExp that starts with
 * a group, a class that matches in its own way) is filed at the root and is
 * a candidate for every path, in its place. Routes that never match
 * (`prefixOf` gives `undefined`: build-only routes) are left out.
 *
 * The index is built once per table: `Router` rebuilds it on the first match
 * after a change. Its size is the routes plus, for every node that holds
 * routes, the routes filed above it (the root's routes once per such node).
 *
 * @example
 * const index = new RouteIndex(router.routes, (route) => (route.buildOnly ? undefined : route.literalPrefix));
 * index.candidates("/api/v1/users/7"); // the routes under /, /api, /api/v1 and /api/v1/users, in order
 */
export class RouteIndex<R> {
  /** The length of the table it was built from (a router rebuilds when it changed). */
  readonly size: number;
  readonly #root: TrieNode<R>;

  constructor(routes: readonly R[], prefixOf: (route: R) => readonly string[] | undefined) {
    this.size = routes.length;
    const root = (this.#root = node<R>());
    routes.forEach((route, position) => {
      const prefix = prefixOf(route);
      if (prefix === undefined) return;
      let at = root;
      for (const segment of prefix) {
        at.children ??= new Map();
        let child = at.children.get(segment);
        if (child === undefined) at.children.set(segment, (child = node<R>()));
        at = child;
      }
      at.own.push(position);
    });
    settle(root, [], [], routes);
  }

  /**
   * The routes that can match `rawPath` (the raw, still encoded path), in
   * table order. A path that does not start with `/` (`*`) gets the
   * routes with no literal prefix.
   */
  candidates(rawPath: string): readonly R[] {
    let at = this.#root;
    if (rawPath.charCodeAt(0) !== 47 /* "/" */) return at.candidates;
    let start = 1;
    while (at.children !== undefined) {
      const end = rawPath.indexOf("/", start);
      const child = at.children.get(end === -1 ? rawPath.slice(start) : rawPath.slice(start, end));
      if (child === undefined) break;
      at = child;
      if (end === -1) break;
      start = end + 1;
    }
    return at.candidates;
  }
}

// Depth first: a node's candidates are its parent's merged with its own; a
// node with none of its own shares its parent's array.
function settle<R>(at: TrieNode<R>, positions: readonly number[], candidates: readonly R[], routes: readonly R[]): void {
  if (at.own.length > 0) {
    positions = mergeSorted(positions, at.own);
    candidates = positions.map((p) => routes[p]!);
  }
  at.candidates = candidates;
  if (at.children !== undefined) for (const child of at.children.values()) settle(child, positions, candidates, routes);
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/**
 * The literal prefix of a path-to-regexp template, from its tokens (text
 * already encoded as a client sends it): the segments its leading text
 * closes with a `/`, and the last one too when the template is all text.
 * `/api/v1/r:id` gives `["api", "v1"]`, `/about` `["about"]`, `/`
 * `[""]`, `/:id` and `{/a}/b` `[]`.
 */
export function templatePrefix(tokens: readonly Token[]): string[] {
  let text = "";
  let i = 0;
  for (; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type !== "text") break;
    text += token.value;
  }
  if (!text.startsWith("/")) return [];
  const segments = text.slice(1).split("/");
  // The last piece may go on into a parameter or a group: `/r` of `/r:id`.
  if (i < tokens.length) segments.pop();
  return segments;
}

// Characters that stand for themselves in a RegExp source, outside a class.
const REGEXP_LITERAL = /[A-Za-z0-9_~%,;=:@!&'"<>`#-]/;
// Escapes that stand for the character escaped, in every mode.
const ESCAPED_LITERAL = /[.\-~^$\\*+?()[\]{}|/]/;
const QUANTIFIER = /[?*+{]/;

/**
 * The literal prefix of a RegExp route (the route anchors it on the whole
 * path), read from its source: after an optional `^`, the segments of plain
 * characters (or `\.`, `\/` and other escaped syntax characters) each closed
 * by a slash, and the last one too when the literal text runs to the end.
 * Reading stops at the first thing that is not a plain character (a class,
 * a group, an escape such as `\d`), before a quantified character, and a
 * top-level alternation or the `i` or `m` flag give `[]`: the route is then
 * a candidate for every path.
 *
 * @example
 * regexpPrefix(/^\/api\/v1\/items\/(\d+)\/(csv|json)$/); // ["api", "v1", "items"]
 */
export function regexpPrefix(pattern: RegExp): string[] {
  const source = pattern.source;
  if (/[im]/.test(pattern.flags) || hasTopLevelAlternation(source, pattern.flags.includes("v"))) return [];
  let i = source.startsWith("^") ? 1 : 0;
  const segments: string[] = [];
  let segment: string | undefined;
  for (;;) {
    const c = source[i];
    // The end of the source is the end of the path: the route anchors the pattern with `$`.
    if (c === undefined || (c === "$" && i === source.length - 1)) {
      if (segment !== undefined) segments.push(segment);
      return segments;
    }
    let literal: string;
    let width: number;
    if (c === "\\" && ESCAPED_LITERAL.test(source[i + 1] ?? "")) {
      literal = source[i + 1]!;
      width = 2;
    } else if (c === "/" || REGEXP_LITERAL.test(c)) {
      literal = c;
      width = 1;
    } else {
      return segments;
    }
    // A quantified character may be absent or repeated: the text stops before it.
    if (QUANTIFIER.test(source[i + width] ?? "")) return segments;
    i += width;
    if (literal === "/") {
      if (segment !== undefined) segments.push(segment);
      segment = "";
    } else if (segment === undefined) {
      // Text before the first slash: the path's first character is not `/`.
      return [];
    } else {
      segment += literal;
    }
  }
}

// Whether a `|` outside every group and class lets the pattern match
// without its leading text.
function hasTopLevelAlternation(source: string, unicodeSets: boolean): boolean {
  let depth = 0;
  let classes = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (classes > 0) {
      if (c === "]") classes--;
      else if (c === "[" && unicodeSets) classes++;
    } else if (c === "[") classes++;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) return true;
  }
  return false;
}
