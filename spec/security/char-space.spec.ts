/**
 * lib/security/char-space.ts: character sets over one pattern's samples,
 * exact for literals, ranges and the classic escapes, and on the safe side
 * for Unicode properties.
 */
import { RegExpParser, visitRegExpAST, type AST } from "@eslint-community/regexpp";
import { describe, expect, it } from "vitest";
import { CharSpace, charsEmpty, charsOverlap, intersectChars, type Chars } from "../../lib/security/char-space.js";

/**
 * The leaves (a literal, a range as the first member of a class, or a set)
 * that `sources` start with, over one space: the space of the pattern
 * `source|source|...`, as the ReDoS check would make it.
 */
function leaves(flags: string, ...sources: string[]): { space: CharSpace; chars: Chars[] } {
  const unicode = flags.includes("u");
  const unicodeSets = flags.includes("v");
  const source = sources.join("|");
  const pattern = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(source, 0, source.length, { unicode, unicodeSets });
  const codes: number[] = [];
  visitRegExpAST(pattern, { onCharacterEnter: (node) => void codes.push(node.value) });
  const space = CharSpace.for(codes, { unicode, unicodeSets });
  const mode = { ignoreCase: flags.includes("i"), dotAll: flags.includes("s") };
  const chars = pattern.alternatives.map((alternative) => {
    let element = alternative.elements[0] as AST.Node;
    if (element.type === "CharacterClass") element = element.elements[0]!;
    return space.leaf(element as AST.Character | AST.CharacterClassRange | AST.CharacterSet, mode);
  });
  return { space, chars };
}

/** Whether the first two of `sources` may share a character. */
const overlap = (flags: string, ...sources: string[]): boolean => {
  const { chars } = leaves(flags, ...sources);
  return charsOverlap(chars[0]!, chars[1]!);
};

describe("CharSpace", () => {
  it("tells ranges apart exactly, non-ASCII ones included", () => {
    expect(overlap("", "[\\u0370-\\u03ff]", "[\\u03ff-\\u0400]")).toBe(true);
    expect(overlap("", "[\\u0370-\\u03ff]", "[\\u0400-\\u04ff]")).toBe(false);
    expect(overlap("", "[\\u0370-\\u03ff]", "[\\u0380-\\u0381]")).toBe(true);
    expect(overlap("", "\\d", "[a-z]")).toBe(false);
    expect(overlap("", "\\s", "[\\u2003-\\u2005]")).toBe(true);
    expect(overlap("", "\\S", "[\\u2003-\\u2005]")).toBe(false);
  });

  it("is shared by the patterns that need the same samples", () => {
    expect(leaves("", "a").space).toBe(leaves("", "[0-9]").space);
    expect(leaves("", "a").space).not.toBe(leaves("u", "a").space);
    expect(leaves("", "\\u0100").space).not.toBe(leaves("", "a").space);
  });

  it("folds case under i as the engine does", () => {
    expect(overlap("iu", "k", "\\u212a")).toBe(true);
    expect(overlap("i", "k", "\\u212a")).toBe(false);
    expect(overlap("", "a", "A")).toBe(false);
    expect(overlap("i", "a", "A")).toBe(true);
  });

  it("tests a property on the samples, and takes it to be possibly present between them", () => {
    expect(overlap("u", "\\p{L}", "/")).toBe(false);
    expect(overlap("u", "\\p{L}", "\\u00e9")).toBe(true);
    expect(overlap("u", "\\p{L}", "\\p{N}")).toBe(true);
    const { space, chars } = leaves("u", "\\p{L}", "[a-z]");
    const notLetters = space.complement(chars[0]!);
    expect(charsEmpty(intersectChars(notLetters, chars[1]!))).toBe(true);
    // Where letters are unknown, so are the characters that are not letters.
    expect(charsOverlap(notLetters, chars[0]!)).toBe(true);
    expect(charsEmpty(space.complement(space.all))).toBe(true);
  });

  it("reads . with and without the s flag", () => {
    expect(overlap("", ".", "\\n")).toBe(false);
    expect(overlap("s", ".", "\\n")).toBe(true);
    expect(overlap("", ".", "\\u2028")).toBe(false);
    expect(overlap("", ".", "\\u00e9")).toBe(true);
  });
});
