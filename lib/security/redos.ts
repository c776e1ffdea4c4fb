/**
 * A registration-time check for regular expressions that backtrack
 * catastrophically (ReDoS): `/^\/(a+)+$/` takes seconds on thirty
 * characters, so a route with it lets one request stall the process.
 *
 * The pattern is read by `@eslint-community/regexpp` (the parser behind
 * ESLint's regex rules), for the flags the RegExp has, into the reduced
 * tree of `regexp-tree.ts`, and a list of rules looks for ambiguity in it.
 */
import { charsEmpty, charsOverlap, intersectChars, type Chars } from "./char-space.js";
import { consumed, firstChars, hasVariableLoop, isUnbounded, nullable, readRegExp, Unchecked, UNBOUNDED, type Node } from "./regexp-tree.js";

/**
 * Why a RegExp was found unsafe, or `undefined` when it is not: a
 * quantified group whose body can match the same text in several ways per
 * iteration (`(a+)+`, `(\w+\s?)*`, `((ab)+)+`), or a quantified alternation
 * whose branches can start alike (`(a|ab)*`), both of which make the engine
 * try exponentially many ways to fail; or three or more unbounded loops in
 * sequence that can share the same characters (`(.*)-(.*)-(.*)`), which
 * make it try n³ or more. Loops inside lookarounds count too.
 *
 * The analysis is a static, conservative one in the manner of `safe-regex`
 * and `recheck`'s "star height" and "ambiguous alternation" rules, made
 * precise enough for routes: a repeated group whose iterations are kept apart
 * by a character the inner loop cannot eat (`(?:\/[^/]+)*`, `(\d{1,3}\.)+`)
 * is safe. So is a pair of loops that can split text between them
 * (`(.*)-(.*)`, quadratic: the path and parameter length limits bound it),
 * but not three or more in a row (`(.*)-(.*)-(.*)`, cubic and worse; see
 * docs/security.md).
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

function verdict(regexp: RegExp): Verdict | undefined {
  let tree: Node;
  try {
    tree = readRegExp(regexp);
  } catch (error) {
    if (error instanceof Unchecked) return { reason: error.message, checked: false };
    throw error;
  }
  const reason = findUnsafe(tree);
  return reason === undefined ? undefined : { reason, checked: true };
}

/**
 * A rule looks at one node, its children already looked at, and says why
 * the node makes the pattern unsafe, or `undefined`. New rules go in
 * {@link RULES}.
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

/**
 * Three or more unbounded loops in sequence that can share a character,
 * with nothing between them that the shared characters cannot match
 * (`(.*)-(.*)-(.*)\.html`): a run of that character splits between them in
 * n² ways, each tried to the end, so a failing match takes n³ steps. Two
 * such loops (`(.*)-(.*)`) are accepted: the path and segment limits bound
 * their n² (see docs/security.md).
 */
const polynomialChain: Rule = (node) => {
  const chain = longestChain(node);
  if (chain.length < MAX_CHAIN) return undefined;
  const loops = `${chain.slice(0, -1).join(", ")} and ${chain.at(-1)}`;
  return `the loops ${loops} can split the same run of characters between them (a failing match takes time growing as the length to the power ${chain.length})`;
};

const RULES: readonly Rule[] = [ambiguousRepetition, ambiguousAlternation, polynomialChain];

// The longest accepted chain of loops is one shorter: quadratic.
const MAX_CHAIN = 3;
// Ends kept per point of the walk; a route pattern has a handful.
const MAX_ENDS = 256;

/**
 * A loop met on the way through the pattern, as {@link longestChain} walks
 * it: the loop's characters, the chain of loops ending at it (their source
 * texts), and what each character matched since must be, intersected with
 * the loop's characters (an empty one ends the chain: nothing could pump
 * through it).
 */
interface ChainEnd {
  chars: Chars;
  chain: string[];
  since: Chars[];
}

/**
 * The longest chain of unbounded loops in `node` where each loop can take
 * over characters from the one before it: they share a character with
 * which every item between them can also match. Alternatives are walked
 * each, bounded repetitions unrolled, a loop with a minimum walked once
 * through its body before it counts as a loop.
 */
function longestChain(node: Node): string[] {
  let longest: string[] = [];
  const walk = (node: Node, ends: ChainEnd[]): ChainEnd[] => {
    switch (node.kind) {
      case "empty":
      case "look": return ends;
      case "chars": return throughChars(ends, node.chars);
      case "seq": return node.items.reduce((at, item) => walk(item, at), ends);
      case "alt": return distinct(node.branches.flatMap((branch) => walk(branch, ends)));
      case "repeat": {
        if (node.max === 0 || charsEmpty(consumed(node.body))) return ends;
        let at = ends;
        if (node.max < UNBOUNDED) {
          for (let i = 0; i < node.min; i++) at = walk(node.body, at);
          for (let i = node.min; i < node.max; i++) at = distinct([...at, ...walk(node.body, at)]);
          return at;
        }
        if (node.min > 0) at = walk(node.body, at);
        const chars = consumed(node.body);
        let chain = [node.text];
        for (const end of ends) {
          if (end.chain.length + 1 > chain.length && charsOverlap(end.chars, chars) && end.since.every((c) => charsOverlap(c, chars))) chain = [...end.chain, node.text];
        }
        if (chain.length > longest.length) longest = chain;
        return distinct([...at, { chars, chain, since: [] }]);
      }
    }
  };
  walk(node, []);
  return longest;
}

function throughChars(ends: ChainEnd[], chars: Chars): ChainEnd[] {
  const out: ChainEnd[] = [];
  for (const end of ends) {
    const shared = intersectChars(end.chars, chars);
    if (!charsEmpty(shared)) out.push({ ...end, since: end.since.some((c) => c.may === shared.may) ? end.since : [...end.since, shared] });
  }
  return out;
}

// Ends that differ only in how they were reached are one; the longest chain is kept.
function distinct(ends: ChainEnd[]): ChainEnd[] {
  const byKey = new Map<string, ChainEnd>();
  for (const end of ends) {
    const key = `${end.chars.may}/${end.since.map((c) => c.may).sort().join(",")}`;
    const known = byKey.get(key);
    if (known === undefined || known.chain.length < end.chain.length) byKey.set(key, end);
  }
  const out = [...byKey.values()];
  return out.length <= MAX_ENDS ? out : out.sort((a, b) => b.chain.length - a.chain.length).slice(0, MAX_ENDS);
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
