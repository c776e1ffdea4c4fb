/**
 * A registration-time check for regular expressions that backtrack
 * catastrophically (ReDoS): `/^\/(a+)+$/` takes seconds on thirty
 * characters, so a route with it lets one request stall the process.
 *
 * The pattern is read by `@eslint-community/regexpp` (the parser behind
 * ESLint's regex rules), for the flags the RegExp has; its syntax tree is
 * reduced to what matters for backtracking (characters, sequences,
 * alternations, repetitions, lookarounds) and a list of rules looks for
 * ambiguity in it.
 */
import { RegExpParser, visitRegExpAST, type AST } from "@eslint-community/regexpp";
import { CharSpace, charsEmpty, charsOverlap, intersectChars, NO_CHARS, unionChars, type CharMode, type Chars } from "./char-space.js";

/**
 * Why a RegExp was found unsafe, or `undefined` when it is not: a
 * quantified group whose body can match the same text in several ways per
 * iteration (`(a+)+`, `(\w+\s?)*`, `((ab)+)+`), or a quantified alternation
 * whose branches can start alike (`(a|ab)*`). Both make the engine try
 * exponentially many ways to fail; loops inside lookarounds count too.
 *
 * The analysis is a static, conservative one in the manner of `safe-regex`
 * and `recheck`'s "star height" and "ambiguous alternation" rules, made
 * precise enough for routes: a repeated group whose iterations are kept apart
 * by a character the inner loop cannot eat (`(?:\/[^/]+)*`, `(\d{1,3}\.)+`)
 * is safe. Polynomial backtracking (`(.*)-(.*)`) is not flagged: the path
 * and parameter length limits bound it (see docs/security.md).
 *
 * A pattern the check cannot vouch for is unsafe too: one with a
 * back-reference (`\1`, `\k<name>`), and one regexpp cannot read with the
 * RegExp's flags.
 *
 * @example
 * unsafeRegExpReason(/^\/(a+)+$/); // "the repeated group (a+)+ can match the same text in more than one way"
 * unsafeRegExpReason(/^\/users\/(\d+)$/); // undefined
 */
export function unsafeRegExpReason(regexp: RegExp): string | undefined {
  return verdict(regexp)?.reason;
}

/**
 * Throw a `TypeError` naming the pattern and the reason when `regexp` can
 * backtrack catastrophically, or cannot be checked (see
 * {@link unsafeRegExpReason}). Routes call it at registration, unless made
 * with `allowUnsafeRegExp: true`.
 */
export function assertSafeRegExp(regexp: RegExp, label: string = String(regexp)): void {
  const found = verdict(regexp);
  if (found === undefined) return;
  const optOut = "pass allowUnsafeRegExp: true if its input is trusted.";
  throw new TypeError(
    found.checked
      ? `The pattern ${label} can backtrack catastrophically (ReDoS): ${found.reason}. Rewrite it so that each repetition is delimited (e.g. (?:\\/[^/]+)*), or ${optOut}`
      : `The pattern ${label} cannot be checked for catastrophic backtracking (ReDoS): ${found.reason}. Rewrite it, or ${optOut}`,
  );
}

/** What the check found: a reason, and whether the pattern was analysed (`false`: it could not be). */
interface Verdict {
  reason: string;
  checked: boolean;
}

// Bounded repetitions below this count are left alone: (a{1,3}){1,5}
// backtracks, but within a bound the length limits keep small.
const UNBOUNDED = 20;

type Node =
  | { kind: "chars"; chars: Chars }
  | { kind: "empty" }
  | { kind: "look"; body: Node }
  | { kind: "seq"; items: Node[] }
  | { kind: "alt"; branches: Node[] }
  | { kind: "repeat"; body: Node; min: number; max: number; text: string };

type Repeat = Extract<Node, { kind: "repeat" }>;

/** A refusal found while building the tree: the pattern is not analysed further. */
class Unchecked extends Error {}

function verdict(regexp: RegExp): Verdict | undefined {
  const flags = { unicode: regexp.flags.includes("u"), unicodeSets: regexp.flags.includes("v") };
  let pattern: AST.Pattern;
  try {
    // The newest syntax regexpp knows: a RegExp the engine made may use any of it.
    pattern = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(regexp.source, 0, regexp.source.length, flags);
  } catch (error) {
    // The engine took it, but what cannot be read cannot be vouched for.
    return { reason: `regexpp cannot read it with the flags "${regexp.flags}" (${(error as Error).message})`, checked: false };
  }
  let tree: Node;
  try {
    tree = new TreeBuilder(pattern, flags).tree({ ignoreCase: regexp.flags.includes("i"), dotAll: regexp.flags.includes("s") });
  } catch (error) {
    if (error instanceof Unchecked) return { reason: error.message, checked: false };
    throw error;
  }
  const reason = findUnsafe(tree);
  return reason === undefined ? undefined : { reason, checked: true };
}

/** Reduces regexpp's syntax tree to the nodes the rules read, with character sets over the pattern's own {@link CharSpace}. */
class TreeBuilder {
  readonly #pattern: AST.Pattern;
  readonly #space: CharSpace;

  constructor(pattern: AST.Pattern, flags: { unicode: boolean; unicodeSets: boolean }) {
    this.#pattern = pattern;
    const codes: number[] = [];
    visitRegExpAST(pattern, { onCharacterEnter: (node) => void codes.push(node.value) });
    this.#space = CharSpace.for(codes, flags);
  }

  tree(mode: CharMode): Node {
    return this.#alternatives(this.#pattern.alternatives, mode);
  }

  #alternatives(alternatives: readonly AST.Alternative[], mode: CharMode): Node {
    const branches = alternatives.map((alternative) => this.#sequence(alternative.elements, mode));
    return branches.length === 1 ? branches[0]! : { kind: "alt", branches };
  }

  #sequence(elements: readonly AST.Element[], mode: CharMode): Node {
    const items = elements.map((element) => this.#element(element, mode));
    return items.length === 1 ? items[0]! : { kind: "seq", items };
  }

  #element(element: AST.Element, mode: CharMode): Node {
    switch (element.type) {
      case "Quantifier":
        return { kind: "repeat", body: this.#element(element.element, mode), min: element.min, max: element.max, text: element.raw };
      case "CapturingGroup":
        return this.#alternatives(element.alternatives, mode);
      case "Group": {
        // Modifiers (`(?i:...)`) change the flags inside the group only.
        const add = element.modifiers?.add;
        const remove = element.modifiers?.remove;
        const inner = {
          ignoreCase: remove?.ignoreCase ? false : add?.ignoreCase || mode.ignoreCase,
          dotAll: remove?.dotAll ? false : add?.dotAll || mode.dotAll,
        };
        return this.#alternatives(element.alternatives, inner);
      }
      case "Assertion":
        // A lookaround consumes nothing, but its own loops backtrack when it fails.
        return element.kind === "lookahead" || element.kind === "lookbehind" ? { kind: "look", body: this.#alternatives(element.alternatives, mode) } : { kind: "empty" };
      case "Backreference":
        // What a back-reference matches is what its group matched, so the
        // work of a failing match depends on the text captured, not on the
        // pattern alone: matching with back-references is NP-hard, and no
        // reading of the pattern can bound its backtracking.
        throw new Unchecked(`it has a back-reference (${element.raw}), and backtracking over back-references cannot be bounded`);
      case "CharacterClass":
      case "ExpressionCharacterClass":
        return this.#class(element, mode);
      case "Character":
        return { kind: "chars", chars: this.#space.leaf(element, mode) };
      case "CharacterSet":
        // A property of strings (`\p{RGI_Emoji}`, the `v` flag) may match several characters: any text, to be safe.
        return element.kind === "property" && element.strings ? this.#anyText(element.raw) : { kind: "chars", chars: this.#space.leaf(element, mode) };
    }
  }

  // A class, with strings (`[\q{ab|c}]`, the `v` flag) as alternatives of their own.
  #class(node: AST.CharacterClass | AST.ExpressionCharacterClass, mode: CharMode): Node {
    const strings: Node[] = [];
    const chars = this.#classChars(node, mode, strings);
    if (strings.length === 0) return { kind: "chars", chars };
    return { kind: "alt", branches: charsEmpty(chars) ? strings : [{ kind: "chars", chars }, ...strings] };
  }

  #classChars(node: AST.CharacterClass | AST.ExpressionCharacterClass | AST.ExpressionCharacterClass["expression"], mode: CharMode, strings: Node[]): Chars {
    switch (node.type) {
      case "CharacterClass": {
        let chars = NO_CHARS;
        for (const element of node.elements) {
          if (element.type === "CharacterClass" || element.type === "ExpressionCharacterClass") chars = unionChars(chars, this.#classChars(element, mode, strings));
          else if (element.type === "ClassStringDisjunction") {
            for (const alternative of element.alternatives) {
              if (alternative.elements.length === 1) chars = unionChars(chars, this.#space.leaf(alternative.elements[0]!, mode));
              else strings.push(this.#sequence(alternative.elements, mode));
            }
          } else if (element.type === "CharacterSet" && element.kind === "property" && element.strings) strings.push(this.#anyText(element.raw));
          else chars = unionChars(chars, this.#space.leaf(element, mode));
        }
        return node.negate ? this.#space.complement(chars) : chars;
      }
      case "ExpressionCharacterClass": {
        const chars = this.#classChars(node.expression, mode, strings);
        return node.negate ? this.#space.complement(chars) : chars;
      }
      case "ClassIntersection":
      case "ClassSubtraction": {
        const left = this.#operand(node.left, mode, strings);
        const right = this.#operand(node.right, mode, strings);
        return node.type === "ClassIntersection" ? intersectChars(left, right) : intersectChars(left, this.#space.complement(right));
      }
    }
  }

  // An operand of `&&` or `--`; strings there are taken as any text (rare, and the safe side).
  #operand(node: AST.ExpressionCharacterClass["expression"]["left"], mode: CharMode, strings: Node[]): Chars {
    switch (node.type) {
      case "ClassIntersection":
      case "ClassSubtraction":
      case "CharacterClass":
      case "ExpressionCharacterClass":
        return this.#classChars(node, mode, strings);
      case "ClassStringDisjunction":
        if (node.alternatives.every((alternative) => alternative.elements.length === 1)) {
          return node.alternatives.reduce((chars, alternative) => unionChars(chars, this.#space.leaf(alternative.elements[0]!, mode)), NO_CHARS);
        }
        strings.push(this.#anyText(node.raw));
        return NO_CHARS;
      case "CharacterSet":
        if (node.kind === "property" && node.strings) {
          strings.push(this.#anyText(node.raw));
          return NO_CHARS;
        }
        return this.#space.leaf(node, mode);
      case "Character":
        return this.#space.leaf(node, mode);
    }
  }

  #anyText(text: string): Node {
    return { kind: "repeat", body: { kind: "chars", chars: this.#space.all }, min: 0, max: Infinity, text };
  }
}

function nullable(node: Node): boolean {
  switch (node.kind) {
    case "empty":
    case "look": return true;
    case "chars": return false;
    case "seq": return node.items.every(nullable);
    case "alt": return node.branches.some(nullable);
    case "repeat": return node.min === 0 || nullable(node.body);
  }
}

/** Every character the node can consume. */
function consumed(node: Node): Chars {
  switch (node.kind) {
    case "empty":
    case "look": return NO_CHARS;
    case "chars": return node.chars;
    case "seq": return node.items.map(consumed).reduce(unionChars, NO_CHARS);
    case "alt": return node.branches.map(consumed).reduce(unionChars, NO_CHARS);
    case "repeat": return node.max === 0 ? NO_CHARS : consumed(node.body);
  }
}

/** The characters a non-empty match of the node can start with. */
function firstChars(node: Node): Chars {
  switch (node.kind) {
    case "empty":
    case "look": return NO_CHARS;
    case "chars": return node.chars;
    case "alt": return node.branches.map(firstChars).reduce(unionChars, NO_CHARS);
    case "repeat": return node.max === 0 ? NO_CHARS : firstChars(node.body);
    case "seq": {
      let chars = NO_CHARS;
      for (const item of node.items) {
        chars = unionChars(chars, firstChars(item));
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
    case "look":
    case "chars": return false;
    case "seq": return node.items.some(hasVariableLoop);
    case "alt": return node.branches.some(hasVariableLoop);
    case "repeat": return (node.max > node.min && !charsEmpty(consumed(node.body))) || hasVariableLoop(node.body);
  }
}

/**
 * A rule looks at one node, its children already looked at, and says why
 * the node makes the pattern unsafe, or `undefined`. New rules (a polynomial
 * one over sequences of loops, say) go in {@link RULES}.
 */
type Rule = (node: Node) => string | undefined;

/**
 * A repetition `B*` is ambiguous when B holds a variable loop over
 * characters X and everything else B must match can also be an X: a run of
 * X splits between iterations in exponentially many ways.
 */
const ambiguousRepetition: Rule = (node) => {
  if (!isUnbounded(node)) return undefined;
  for (const branch of node.body.kind === "alt" ? node.body.branches : [node.body]) {
    if (splitsAmbiguously(branch)) return `the repeated group ${node.text} can match the same text in more than one way`;
  }
  return undefined;
};

/** A repeated alternation whose branches can start with the same character makes each iteration a choice the engine retries. */
const ambiguousAlternation: Rule = (node) => {
  if (!isUnbounded(node) || node.body.kind !== "alt" || !branchesOverlap(node.body.branches)) return undefined;
  return `the alternatives of the repeated group ${node.text} can start with the same character`;
};

const RULES: readonly Rule[] = [ambiguousRepetition, ambiguousAlternation];

function isUnbounded(node: Node): node is Repeat {
  return node.kind === "repeat" && node.max >= UNBOUNDED;
}

/** The first reason a rule finds in the tree, children before their parent, in the order of the source. */
function findUnsafe(node: Node): string | undefined {
  const children = node.kind === "seq" ? node.items : node.kind === "alt" ? node.branches : node.kind === "repeat" || node.kind === "look" ? [node.body] : [];
  for (const child of children) {
    const found = findUnsafe(child);
    if (found !== undefined) return found;
  }
  for (const rule of RULES) {
    const found = rule(node);
    if (found !== undefined) return found;
  }
  return undefined;
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
  if (node.kind === "chars") return charsOverlap(other, loop);
  return charsOverlap(firstChars(node), loop) && charsOverlap(other, loop);
}

function branchesOverlap(branches: Node[]): boolean {
  const firsts = branches.map(firstChars);
  for (let a = 0; a < firsts.length; a++) {
    for (let b = a + 1; b < firsts.length; b++) if (charsOverlap(firsts[a]!, firsts[b]!)) return true;
  }
  return false;
}
