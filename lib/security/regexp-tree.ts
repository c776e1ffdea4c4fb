/**
 * A regular expression as the ReDoS rules read it (see `redos.ts`): parsed
 * by `@eslint-community/regexpp` for the flags the RegExp has, and reduced
 * to what matters for backtracking (characters, sequences, alternations,
 * repetitions, lookarounds), with character sets over the pattern's own
 * {@link CharSpace}.
 */
import { RegExpParser, visitRegExpAST, type AST } from "@eslint-community/regexpp";
import { CharSpace, charsEmpty, intersectChars, NO_CHARS, unionChars, type CharMode, type Chars } from "./char-space.js";

/**
 * Repetitions bounded below this count are left alone by the rules:
 * `(a{1,3}){1,5}` backtracks, but within a bound the length limits keep it
 * small.
 */
export const UNBOUNDED = 20;

/** A node of the reduced tree. A capturing or plain group is its contents; a class with strings is an alternation. */
export type Node =
  | { kind: "chars"; chars: Chars }
  | { kind: "empty" }
  | { kind: "look"; body: Node }
  | { kind: "seq"; items: Node[] }
  | { kind: "alt"; branches: Node[] }
  | { kind: "repeat"; body: Node; min: number; max: number; text: string };

/** A repetition node; `text` is its source (`a+`, `(?:\/[^/]+)*`). */
export type Repeat = Extract<Node, { kind: "repeat" }>;

/** Why a pattern could not be read into a tree (regexpp could not parse it, or it has a back-reference): it cannot be vouched for. */
export class Unchecked extends Error {}

/**
 * The reduced tree of `regexp`, or an {@link Unchecked} thrown when it
 * cannot be had.
 *
 * @example
 * readRegExp(/^a+$/); // { kind: "seq", items: [{ kind: "empty" }, { kind: "repeat", min: 1, max: Infinity, text: "a+", ... }, { kind: "empty" }] }
 */
export function readRegExp(regexp: RegExp): Node {
  const flags = { unicode: regexp.flags.includes("u"), unicodeSets: regexp.flags.includes("v") };
  let pattern: AST.Pattern;
  try {
    // The newest syntax regexpp knows: a RegExp the engine made may use any of it.
    pattern = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(regexp.source, 0, regexp.source.length, flags);
  } catch (error) {
    // The engine took it, but what cannot be read cannot be vouched for.
    throw new Unchecked(`regexpp cannot read it with the flags "${regexp.flags}" (${(error as Error).message})`);
  }
  return new TreeBuilder(pattern, flags).tree({ ignoreCase: regexp.flags.includes("i"), dotAll: regexp.flags.includes("s") });
}

/** Whether `node` is a repetition of at least {@link UNBOUNDED} iterations. */
export function isUnbounded(node: Node): node is Repeat {
  return node.kind === "repeat" && node.max >= UNBOUNDED;
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

/** Whether the node can match the empty string. */
export function nullable(node: Node): boolean {
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
export function consumed(node: Node): Chars {
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
export function firstChars(node: Node): Chars {
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

/** Whether the node holds a loop whose count can vary (`a+`, `a{1,3}`, `a?`). */
export function hasVariableLoop(node: Node): boolean {
  switch (node.kind) {
    case "empty":
    case "look":
    case "chars": return false;
    case "seq": return node.items.some(hasVariableLoop);
    case "alt": return node.branches.some(hasVariableLoop);
    case "repeat": return (node.max > node.min && !charsEmpty(consumed(node.body))) || hasVariableLoop(node.body);
  }
}
