/**
 * The characters a regular expression is analysed over (see `redos.ts`):
 * one pattern's character classes, escapes and literals as sets over a small
 * alphabet of sample characters, chosen so that the sets overlap on the
 * samples exactly when they overlap at all.
 */
import type { AST } from "@eslint-community/regexpp";

/**
 * A set of characters over a {@link CharSpace}, as two bitmasks over its
 * samples: `must` holds the samples surely in the set, `may` those that may
 * be. They differ only where a Unicode property makes the set unknown
 * between two samples; an overlap is judged on `may`, so an unknown is
 * taken to overlap (the safe side for a ReDoS check).
 */
export interface Chars {
  readonly may: bigint;
  readonly must: bigint;
}

/** The empty set. */
export const NO_CHARS: Chars = { may: 0n, must: 0n };

/** The characters in `a` or in `b`. */
export function unionChars(a: Chars, b: Chars): Chars {
  return { may: a.may | b.may, must: a.must | b.must };
}

/** The characters in both `a` and `b` (the `v` flag's `&&`). */
export function intersectChars(a: Chars, b: Chars): Chars {
  return { may: a.may & b.may, must: a.must & b.must };
}

/** Whether `a` and `b` may share a character. */
export function charsOverlap(a: Chars, b: Chars): boolean {
  return (a.may & b.may) !== 0n;
}

/** Whether `a` surely holds no character. */
export function charsEmpty(a: Chars): boolean {
  return a.may === 0n;
}

/** The flags that change what a character leaf matches, as they are in force where it stands. */
export interface CharMode {
  ignoreCase: boolean;
  dotAll: boolean;
}

// The samples every pattern is analysed over: all of ASCII, and the
// boundaries of what \s, \w (with `iu`) and `.` match beyond it, each with
// its neighbours, so that those sets are uniform between two samples; a
// Latin-1, a CJK and an astral letter and a surrogate, so that Unicode
// properties are told apart on real letters.
const BASE: readonly number[] = [
  ...Array.from({ length: 128 }, (_, i) => i),
  ...[0xa0, 0xe9, 0x17f, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x212a, 0x3000, 0x4e2d, 0xd83d, 0xfeff, 0xffff].flatMap((c) => [c - 1, c, c + 1]),
];
const ASTRAL_BASE: readonly number[] = [0x1f5ff, 0x1f600, 0x1f601, 0x10ffff];

// Engine-made membership tests, shared by every pattern: a route table
// repeats the same few classes. Bounded by the distinct leaves of the app's
// patterns.
const TESTERS = new Map<string, RegExp>();
const SPACES = new Map<string, CharSpace>();

const hex = (code: number, unicode: boolean): string => (unicode ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`);

/**
 * The alphabet of one pattern: the base samples, every literal and range
 * bound of the pattern with its neighbours, and one character inside each
 * gap between two samples standing for the whole gap. A literal, a range,
 * `\d`, `\s`, `\w` and `.` (and classes made of them) are uniform on every
 * gap, so their bitmasks are exact and two of them overlap on the samples
 * exactly when they overlap. A Unicode property (`\p{L}`), or a non-ASCII
 * literal under `i`, is tested by the engine on every sample and counted as
 * possibly present in every gap.
 *
 * @example
 * const space = CharSpace.for([0x2f], { unicode: false, unicodeSets: false });
 */
export class CharSpace {
  readonly #points: number[];
  readonly #gaps: bigint;
  readonly #index = new Map<number, number>();
  readonly #unicode: boolean;
  readonly #sets: string;
  readonly #leaves = new Map<string, Chars>();
  /** Every character. */
  readonly all: Chars;

  private constructor(codes: Iterable<number>, unicode: boolean, unicodeSets: boolean) {
    this.#unicode = unicode || unicodeSets;
    this.#sets = unicodeSets ? "v" : this.#unicode ? "u" : "";
    const max = this.#unicode ? 0x10ffff : 0xffff;
    const samples = [...new Set(codes)].filter((c) => c >= 0 && c <= max).sort((a, b) => a - b);
    this.#points = [];
    let gaps = 0n;
    for (const [i, code] of samples.entries()) {
      this.#points.push(code);
      const next = samples[i + 1];
      if (next !== undefined && next > code + 1) {
        gaps |= 1n << BigInt(this.#points.length);
        this.#points.push(code + 1);
      }
    }
    for (const [i, code] of this.#points.entries()) this.#index.set(code, i);
    this.#gaps = gaps;
    const full = (1n << BigInt(this.#points.length)) - 1n;
    this.all = { may: full, must: full };
  }

  /**
   * The space for a pattern whose literals and range bounds are `codes`,
   * shared between patterns that need the same samples (most route
   * patterns need only the base ones).
   */
  static for(codes: Iterable<number>, flags: { unicode: boolean; unicodeSets: boolean }): CharSpace {
    const unicode = flags.unicode || flags.unicodeSets;
    const extra = new Set<number>();
    for (const code of codes) if (code >= 128) for (const c of [code - 1, code, code + 1]) extra.add(c);
    const key = `${flags.unicodeSets ? "v" : unicode ? "u" : ""}:${[...extra].sort((a, b) => a - b).join(",")}`;
    let space = SPACES.get(key);
    if (space === undefined) {
      space = new CharSpace([...BASE, ...(unicode ? ASTRAL_BASE : []), ...extra], flags.unicode, flags.unicodeSets);
      SPACES.set(key, space);
    }
    return space;
  }

  /** The characters not in `a`. */
  complement(a: Chars): Chars {
    return { may: this.all.may & ~a.must, must: this.all.must & ~a.may };
  }

  /** The characters a regexpp literal, range or character set matches, under `mode`. */
  leaf(node: AST.Character | AST.CharacterClassRange | AST.CharacterSet, mode: CharMode): Chars {
    if (node.type === "CharacterSet" && node.kind === "any" && mode.dotAll) return this.all;
    const [lo, hi] = node.type === "Character" ? [node.value, node.value] : node.type === "CharacterClassRange" ? [node.min.value, node.max.value] : [-1, -1];
    if (lo >= 0 && !mode.ignoreCase) return this.#between(lo, hi);
    // Under `i` a non-ASCII letter may fold to characters between samples.
    const uncertain = node.type === "CharacterSet" ? node.kind === "property" : mode.ignoreCase && hi >= 128;
    const source = lo >= 0 ? (lo === hi ? hex(lo, this.#unicode) : `[${hex(lo, this.#unicode)}-${hex(hi, this.#unicode)}]`) : node.raw;
    return this.#tested(source, `${this.#sets}${mode.ignoreCase ? "i" : ""}`, uncertain);
  }

  // Every bound is a sample (see the constructor), so the samples in
  // [lo, hi] are a run of consecutive bits.
  #between(lo: number, hi: number): Chars {
    const first = this.#index.get(lo);
    const last = this.#index.get(hi);
    if (first === undefined || last === undefined || last < first) return NO_CHARS;
    const bits = ((1n << BigInt(last - first + 1)) - 1n) << BigInt(first);
    return { may: bits, must: bits };
  }

  // The samples the engine matches with `source`; a gap counts as possible
  // when the set is uncertain there.
  #tested(source: string, flags: string, uncertain: boolean): Chars {
    const key = `${flags}/${source}/${uncertain}`;
    const known = this.#leaves.get(key);
    if (known !== undefined) return known;
    let tester = TESTERS.get(`${flags}/${source}`);
    if (tester === undefined) {
      tester = new RegExp(`^(?:${source})$`, flags);
      TESTERS.set(`${flags}/${source}`, tester);
    }
    let bits = 0n;
    for (const [i, code] of this.#points.entries()) {
      if (tester.test(this.#unicode ? String.fromCodePoint(code) : String.fromCharCode(code))) bits |= 1n << BigInt(i);
    }
    const chars = uncertain ? { may: bits | this.#gaps, must: bits & ~this.#gaps } : { may: bits, must: bits };
    this.#leaves.set(key, chars);
    return chars;
  }
}
