/**
 * A registration-time check for regular expressions that backtrack
 * catastrophically (ReDoS): `/^\/(a+)+$/` takes seconds on thirty
 * characters, so a route with it lets one request stall the process.
 */

/**
 * Why a RegExp was found unsafe, or `undefined` when it is not: a
 * quantified group whose body can match the same text in several ways per
 * iteration (`(a+)+`, `(\w+\s?)*`, `((ab)+)+`), or a quantified alternation
 * whose branches can start alike (`(a|ab)*`). Both make the engine try
 * exponentially many ways to fail.
 *
 * The analysis is a static, conservative one in the manner of `safe-regex`
 * and `recheck`'s "star height" and "ambiguous alternation" rules, made
 * precise enough for routes: a repeated group whose iterations are kept apart
 * by a character the inner loop cannot eat (`(?:\/[^/]+)*`, `(\d{1,3}\.)+`)
 * is safe. Polynomial backtracking (`(.*)-(.*)`) is not flagged: the path
 * and parameter length limits bound it (see docs/security.md).
 *
 * @example
 * unsafeRegExpReason(/^\/(a+)+$/); // "the repeated group (a+)+ can match the same text in more than one way"
 * unsafeRegExpReason(/^\/users\/(\d+)$/); // undefined
 */
export function unsafeRegExpReason(regexp: RegExp): string | undefined {
  let tree: Node;
  try {
    tree = new Parser(regexp.source, regexp.flags).parse();
  } catch {
    // A source we cannot read is not refused: the engine accepted it, and
    // the length limits still bound it.
    return undefined;
  }
  return findAmbiguity(tree, regexp.source);
}

/**
 * Throw a `TypeError` naming the pattern and the reason when `regexp` can
 * backtrack catastrophically (see {@link unsafeRegExpReason}). Routes call
 * it at registration, unless made with `allowUnsafeRegExp: true`.
 */
export function assertSafeRegExp(regexp: RegExp, label: string = String(regexp)): void {
  const reason = unsafeRegExpReason(regexp);
  if (reason !== undefined) {
    throw new TypeError(
      `The pattern ${label} can backtrack catastrophically (ReDoS): ${reason}. ` +
        `Rewrite it so that each repetition is delimited (e.g. (?:\\/[^/]+)*), or pass allowUnsafeRegExp: true if its input is trusted.`,
    );
  }
}

// The characters a set is tested against: enough to tell the classes that
// routes use apart (ASCII, a Latin-1 letter, a CJK letter, a line
// separator, a surrogate). Sets are kept as bitmasks over this alphabet.
const ALPHABET: number[] = [...Array.from({ length: 128 }, (_, i) => i), 0xe9, 0x4e2d, 0x2028, 0xd83d];
const UNBOUNDED = 20;

type Chars = boolean[];
type Node =
  | { kind: "chars"; chars: Chars }
  | { kind: "empty" }
  | { kind: "seq"; items: Node[] }
  | { kind: "alt"; branches: Node[] }
  | { kind: "repeat"; body: Node; min: number; max: number; start: number; end: number };

const none = (): Chars => ALPHABET.map(() => false);
const all = (): Chars => ALPHABET.map(() => true);
const union = (a: Chars, b: Chars): Chars => a.map((x, i) => x || b[i]!);
const overlaps = (a: Chars, b: Chars): boolean => a.some((x, i) => x && b[i]!);
const charsOf = (test: (c: number) => boolean): Chars => ALPHABET.map(test);

const isDigit = (c: number) => c >= 48 && c <= 57;
const isWord = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace = (c: number) => (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x2028;
const isLineEnd = (c: number) => c === 10 || c === 13 || c === 0x2028;

/** A recursive-descent reader of RegExp sources, keeping only what matters for backtracking. */
class Parser {
  #i = 0;
  readonly #source: string;
  readonly #ignoreCase: boolean;
  readonly #dotAll: boolean;

  constructor(source: string, flags: string) {
    this.#source = source;
    this.#ignoreCase = flags.includes("i");
    this.#dotAll = flags.includes("s");
  }

  parse(): Node {
    const node = this.#alternation();
    if (this.#i < this.#source.length) throw new SyntaxError("unbalanced )");
    return node;
  }

  #alternation(): Node {
    const branches = [this.#sequence()];
    while (this.#source[this.#i] === "|") {
      this.#i++;
      branches.push(this.#sequence());
    }
    return branches.length === 1 ? branches[0]! : { kind: "alt", branches };
  }

  #sequence(): Node {
    const items: Node[] = [];
    const s = this.#source;
    while (this.#i < s.length && s[this.#i] !== "|" && s[this.#i] !== ")") {
      const start = this.#i;
      const atom = this.#atom();
      items.push(this.#quantified(atom, start));
    }
    return items.length === 1 ? items[0]! : { kind: "seq", items };
  }

  #quantified(atom: Node, start: number): Node {
    const s = this.#source;
    const c = s[this.#i];
    let min: number;
    let max: number;
    if (c === "*" || c === "+" || c === "?") {
      this.#i++;
      [min, max] = c === "*" ? [0, Infinity] : c === "+" ? [1, Infinity] : [0, 1];
    } else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.#i));
      if (m === null) return atom;
      this.#i += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
    } else {
      return atom;
    }
    if (s[this.#i] === "?") this.#i++; // lazy: the same backtracking, in another order
    return this.#quantified({ kind: "repeat", body: atom, min, max, start, end: this.#i }, start);
  }

  #atom(): Node {
    const s = this.#source;
    const c = s[this.#i]!;
    this.#i++;
    if (c === "^" || c === "$") return { kind: "empty" };
    if (c === ".") return { kind: "chars", chars: charsOf((x) => this.#dotAll || !isLineEnd(x)) };
    if (c === "[") return { kind: "chars", chars: this.#class() };
    if (c === "\\") return this.#escape(false);
    if (c === "(") return this.#group();
    return { kind: "chars", chars: this.#literal(c.codePointAt(0)!) };
  }

  #group(): Node {
    const s = this.#source;
    let lookaround = false;
    if (s[this.#i] === "?") {
      const rest = s.slice(this.#i);
      const m = /^\?(?:<=|<!|=|!|:|<[^>=!]+>|[ims-]+:)/.exec(rest);
      if (m === null) throw new SyntaxError("unknown group");
      lookaround = /^\?(?:<=|<!|=|!)/.test(m[0]);
      this.#i += m[0].length;
    }
    const body = this.#alternation();
    if (s[this.#i] !== ")") throw new SyntaxError("missing )");
    this.#i++;
    // A lookaround consumes nothing; its own loops are left to the length limits.
    return lookaround ? { kind: "empty" } : body;
  }

  #literal(code: number): Chars {
    if (!this.#ignoreCase) return charsOf((x) => x === code);
    const lower = String.fromCodePoint(code).toLowerCase();
    return charsOf((x) => String.fromCodePoint(x).toLowerCase() === lower);
  }

  // An escape, inside a class or not; a back-reference may match anything.
  #escape(inClass: boolean): Node {
    const s = this.#source;
    const c = s[this.#i]!;
    this.#i++;
    const set = (test: (x: number) => boolean): Node => ({ kind: "chars", chars: charsOf(test) });
    switch (c) {
      case "d": return set(isDigit);
      case "D": return set((x) => !isDigit(x));
      case "w": return set(isWord);
      case "W": return set((x) => !isWord(x));
      case "s": return set(isSpace);
      case "S": return set((x) => !isSpace(x));
      case "b": return inClass ? set((x) => x === 8) : { kind: "empty" };
      case "B": return { kind: "empty" };
      case "n": return set((x) => x === 10);
      case "r": return set((x) => x === 13);
      case "t": return set((x) => x === 9);
      case "0": return set((x) => x === 0);
      case "p":
      case "P": {
        const end = s.indexOf("}", this.#i);
        this.#i = end === -1 ? this.#i : end + 1;
        return { kind: "chars", chars: all() };
      }
      case "k": {
        const end = s.indexOf(">", this.#i);
        this.#i = end === -1 ? this.#i : end + 1;
        return { kind: "chars", chars: all() };
      }
      case "x": {
        const code = parseInt(s.slice(this.#i, this.#i + 2), 16);
        this.#i += 2;
        return { kind: "chars", chars: this.#literal(code) };
      }
      case "u": {
        const m = /^(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{4}))/.exec(s.slice(this.#i));
        if (m === null) return { kind: "chars", chars: this.#literal(117) };
        this.#i += m[0].length;
        return { kind: "chars", chars: this.#literal(parseInt(m[1] ?? m[2]!, 16)) };
      }
      case "c":
        this.#i++;
        return { kind: "chars", chars: all() };
      default:
        if (/[1-9]/.test(c)) {
          while (/[0-9]/.test(s[this.#i] ?? "")) this.#i++;
          return { kind: "chars", chars: all() };
        }
        return { kind: "chars", chars: this.#literal(c.codePointAt(0)!) };
    }
  }

  #class(): Chars {
    const s = this.#source;
    const negated = s[this.#i] === "^";
    if (negated) this.#i++;
    let chars = none();
    while (this.#i < s.length && s[this.#i] !== "]") {
      const start = this.#classAtom();
      if (s[this.#i] === "-" && s[this.#i + 1] !== "]" && s[this.#i + 1] !== undefined && start.code !== undefined) {
        this.#i++;
        const end = this.#classAtom();
        const [lo, hi] = [start.code, end.code ?? start.code];
        chars = union(chars, this.#range(lo, hi));
      } else {
        chars = union(chars, start.chars);
      }
    }
    if (s[this.#i] !== "]") throw new SyntaxError("missing ]");
    this.#i++;
    return negated ? chars.map((x) => !x) : chars;
  }

  #classAtom(): { chars: Chars; code?: number } {
    const s = this.#source;
    if (s[this.#i] === "[") {
      // A nested class (the `v` flag): its members count.
      this.#i++;
      return { chars: this.#class() };
    }
    if (s[this.#i] === "\\") {
      // A code written as an escape can bound a range (`[\x41-\x5a]`).
      const hex = /^\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]+)\})/.exec(s.slice(this.#i));
      if (hex !== null) {
        this.#i += hex[0].length;
        const code = parseInt(hex[1] ?? hex[2] ?? hex[3]!, 16);
        return { chars: this.#literal(code), code };
      }
      this.#i++;
      const before = this.#i;
      const node = this.#escape(true) as { kind: "chars"; chars: Chars };
      const code = this.#i === before + 1 ? escapeCode(s[before]!) : undefined;
      return { chars: node.chars, code };
    }
    const code = s.codePointAt(this.#i)!;
    this.#i += code > 0xffff ? 2 : 1;
    return { chars: this.#literal(code), code };
  }

  #range(lo: number, hi: number): Chars {
    const chars = charsOf((x) => x >= lo && x <= hi);
    if (!this.#ignoreCase) return chars;
    return charsOf((x) => {
      const other = String.fromCodePoint(x);
      const swapped = (other === other.toLowerCase() ? other.toUpperCase() : other.toLowerCase()).codePointAt(0)!;
      return (x >= lo && x <= hi) || (swapped >= lo && swapped <= hi);
    });
  }
}

function escapeCode(c: string): number | undefined {
  if (/[dDwWsSpPkbB1-9]/.test(c)) return c === "b" ? 8 : undefined;
  const named: Record<string, number> = { n: 10, r: 13, t: 9, "0": 0, f: 12, v: 11 };
  return named[c] ?? c.codePointAt(0);
}

function nullable(node: Node): boolean {
  switch (node.kind) {
    case "empty": return true;
    case "chars": return false;
    case "seq": return node.items.every(nullable);
    case "alt": return node.branches.some(nullable);
    case "repeat": return node.min === 0 || nullable(node.body);
  }
}

/** Every character the node can consume. */
function consumed(node: Node): Chars {
  switch (node.kind) {
    case "empty": return none();
    case "chars": return node.chars;
    case "seq": return node.items.map(consumed).reduce(union, none());
    case "alt": return node.branches.map(consumed).reduce(union, none());
    case "repeat": return node.max === 0 ? none() : consumed(node.body);
  }
}

/** The characters a non-empty match of the node can start with. */
function firstChars(node: Node): Chars {
  switch (node.kind) {
    case "empty": return none();
    case "chars": return node.chars;
    case "alt": return node.branches.map(firstChars).reduce(union, none());
    case "repeat": return node.max === 0 ? none() : firstChars(node.body);
    case "seq": {
      let chars = none();
      for (const item of node.items) {
        chars = union(chars, firstChars(item));
        if (!nullable(item)) break;
      }
      return chars;
    }
  }
}

// Whether the node holds a loop whose count can vary (`a+`, `a{1,3}`, `a?`).
function hasVariableLoop(node: Node): boolean {
  switch (node.kind) {
    case "empty":
    case "chars": return false;
    case "seq": return node.items.some(hasVariableLoop);
    case "alt": return node.branches.some(hasVariableLoop);
    case "repeat": return (node.max > node.min && !isEmptyLanguage(node.body)) || hasVariableLoop(node.body);
  }
}

function isEmptyLanguage(node: Node): boolean {
  return !consumed(node).some(Boolean);
}

/**
 * The first ambiguous repetition in the tree, described; `undefined` when
 * there is none. A repetition `B*` is ambiguous when B holds a variable
 * loop over characters X and everything else B must match can also be an
 * X (so a run of X splits between iterations in exponentially many ways),
 * or when B is an alternation whose branches can start alike.
 */
function findAmbiguity(node: Node, source: string): string | undefined {
  switch (node.kind) {
    case "empty":
    case "chars": return undefined;
    case "seq": {
      for (const item of node.items) {
        const found = findAmbiguity(item, source);
        if (found) return found;
      }
      return undefined;
    }
    case "alt": {
      for (const branch of node.branches) {
        const found = findAmbiguity(branch, source);
        if (found) return found;
      }
      return undefined;
    }
    case "repeat": {
      const inner = findAmbiguity(node.body, source);
      if (inner) return inner;
      if (node.max < UNBOUNDED && node.max !== Infinity) return undefined;
      const text = source.slice(node.start, node.end);
      for (const branch of node.body.kind === "alt" ? node.body.branches : [node.body]) {
        if (splitsAmbiguously(branch)) return `the repeated group ${text} can match the same text in more than one way`;
      }
      if (node.body.kind === "alt" && branchesOverlap(node.body.branches)) {
        return `the alternatives of the repeated group ${text} can start with the same character`;
      }
      return undefined;
    }
  }
}

function splitsAmbiguously(body: Node): boolean {
  const items = body.kind === "seq" ? body.items : [body];
  return items.some((item, i) => {
    if (!hasVariableLoop(item)) return false;
    const loop = consumed(item);
    return items.every((other, j) => j === i || nullable(other) || overlapsAll(consumed(other), loop, other));
  });
}

// Another part of the body lets a run of loop characters split only if every
// character it needs can also be a loop character.
function overlapsAll(other: Chars, loop: Chars, node: Node): boolean {
  if (node.kind === "chars") return overlaps(other, loop);
  return overlaps(firstChars(node), loop) && overlaps(other, loop);
}

function branchesOverlap(branches: Node[]): boolean {
  const firsts = branches.map(firstChars);
  for (let a = 0; a < firsts.length; a++) {
    for (let b = a + 1; b < firsts.length; b++) if (overlaps(firsts[a]!, firsts[b]!)) return true;
  }
  return false;
}
