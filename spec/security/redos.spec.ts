/**
 * lib/security/redos.ts: which regular expressions are refused at route
 * registration, and that the refused ones really do backtrack.
 */
import { pathToRegexp } from "path-to-regexp";
import { describe, expect, it } from "vitest";
import { assertSafeRegExp, unsafeRegExpReason } from "../../lib/security/redos.js";

describe("unsafeRegExpReason()", () => {
  const unsafe: [RegExp, string][] = [
    [/^\/(a+)+$/, "the repeated group (a+)+ can match the same text in more than one way"],
    [/^\/(a*)*$/, "the repeated group (a*)* can match the same text in more than one way"],
    [/^\/(\w+\s?)*$/, "the repeated group (\\w+\\s?)* can match the same text in more than one way"],
    [/^\/((ab)+)+$/, "the repeated group ((ab)+)+ can match the same text in more than one way"],
    [/(x+x+)+y/, "the repeated group (x+x+)+ can match the same text in more than one way"],
    [/^\/(.*,)*x$/, "the repeated group (.*,)* can match the same text in more than one way"],
    [/^(a{1,3})+$/, "the repeated group (a{1,3})+ can match the same text in more than one way"],
    [/^\/([a-z]+)*$/i, "the repeated group ([a-z]+)* can match the same text in more than one way"],
    [/^\/(?:[^/]+)+$/, "the repeated group (?:[^/]+)+ can match the same text in more than one way"],
    [/^\/(a|a)*$/, "the alternatives of the repeated group (a|a)* can start with the same character"],
    [/^\/(a|ab)*c$/, "the alternatives of the repeated group (a|ab)* can start with the same character"],
    [/^\/(\d|\w)+$/, "the alternatives of the repeated group (\\d|\\w)+ can start with the same character"],
  ];
  for (const [regexp, reason] of unsafe) {
    it(`refuses ${regexp}`, () => expect(unsafeRegExpReason(regexp)).toBe(reason));
  }

  const safe = [
    /^\/products\/(\d+)$/,
    /^\/files(?:\/[^/]+)*$/,
    /^\/(?<year>\d{4})\/(?<slug>[\w-]+)$/,
    /^\/(\d{1,3}\.)+$/,
    /^\/tags\/(?<tag>[^/]+)$/,
    /^\/a\/(.*)$/,
    /^\/(.*)-(.*)$/,
    /^\/[\]a]+$/,
    /^\/x(?=a+)+$/,
    /^\/(a|b)+$/,
    /^\/(?:ab|cd)*$/,
    /^\/v\u{1F600}+$/u,
    /^\/(a+){2}$/,
  ];
  for (const regexp of safe) {
    it(`accepts ${regexp}`, () => expect(unsafeRegExpReason(regexp)).toBeUndefined());
  }

  it("accepts the regex path-to-regexp compiles for every template kind", () => {
    for (const template of ["/:a-:b-:c", "/users/:id", "/files/*path", "/docs{/:page}", "/:a.:b", "/a{/:b}{/:c}-:d", "/x/*a/y/*b"]) {
      expect(unsafeRegExpReason(pathToRegexp(template, { trailing: false, sensitive: true }).regexp), template).toBeUndefined();
    }
  });

  it("a refused pattern really backtracks: (a+)+$ takes over 100 times longer on 24 characters than on 12", () => {
    const time = (n: number) => {
      const started = performance.now();
      /^\/(a+)+$/.test(`/${"a".repeat(n)}!`);
      return performance.now() - started;
    };
    const short = Math.min(time(12), time(12), time(12));
    expect(time(24) / Math.max(short, 0.01)).toBeGreaterThan(100);
  });
});

describe("polynomial backtracking: three or more loops that share characters in sequence", () => {
  const cubic = (loops: string, power = 3) => `the loops ${loops} can split the same run of characters between them (a failing match takes time growing as the length to the power ${power})`;
  const unsafe: [RegExp, string][] = [
    [/^\/slug\/(.*)-(.*)-(.*)\.html$/, cubic(".*, .* and .*")],
    [/^\/(.+)\/(.+)\/(.+)$/, cubic(".+, .+ and .+")],
    [/^\/([\w-]+)-([\w-]+)-([\w-]+)$/, cubic("[\\w-]+, [\\w-]+ and [\\w-]+")],
    [/^(a*)(a*)(a*)b$/, cubic("a*, a* and a*")],
    [/^\d*\d+\d*x/, cubic("\\d*, \\d+ and \\d*")],
    [/^\/(.*)a(.*)b(.*)$/, cubic(".*, .* and .*")],
    [/^\/(.*)-(.*)-(.*)-(.*)$/, cubic(".*, .*, .* and .*", 4)],
    // Through an alternative, a bounded repetition, and a repeated group counted as one loop.
    [/^\/(.*)(?:-(.*)|x)-(.*)$/, cubic(".*, .* and .*")],
    [/^(?:(.*)-){3}$/, cubic(".*, .* and .*")],
    [/^(?:\/[^/]+)*(.*)(.*)$/, cubic("(?:\\/[^/]+)*, .* and .*")],
  ];
  for (const [regexp, reason] of unsafe) {
    it(`refuses ${regexp}`, () => expect(unsafeRegExpReason(regexp)).toBe(reason));
  }

  const safe = [
    // Two loops: quadratic, bounded by the path and segment limits.
    /^\/(.*)-(.*)$/,
    /^\/api\/(.*)\/(.*)$/,
    /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i,
    // Three loops kept apart by what none of them matches.
    /^\/(\d+)-(\d+)-(\d+)$/,
    /^\/(\w+)\/(\w+)\/(\w+)$/,
    /^\/([^-]*)-([^-]*)-([^-]*)\.html$/,
    /^(?:a*-){1,5}$/,
    // Bounded loops are not counted.
    /^\/(.{0,9})-(.{0,9})-(.{0,9})$/,
  ];
  for (const regexp of safe) {
    it(`accepts ${regexp}`, () => expect(unsafeRegExpReason(regexp)).toBeUndefined());
  }

  it("a refused pattern really is cubic: (.*)-(.*)-(.*)\\.html takes over 25 times longer on 4n dashes than on n (a quadratic one takes 16)", () => {
    const time = (n: number) => {
      const input = `/slug/${"-".repeat(n)}`;
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        /^\/slug\/(.*)-(.*)-(.*)\.html$/.test(input);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    expect(time(400) / Math.max(time(100), 0.01)).toBeGreaterThan(25);
  });
});

describe("assertSafeRegExp()", () => {
  it("throws a TypeError naming the pattern, the reason and the way out", () => {
    expect(() => assertSafeRegExp(/^\/(a+)+$/)).toThrow(
      new TypeError(
        "The pattern /^\\/(a+)+$/ can backtrack catastrophically (ReDoS): the repeated group (a+)+ can match the same text in more than one way. " +
          "Rewrite it so that each repetition is delimited (e.g. (?:\\/[^/]+)*), or pass allowUnsafeRegExp: true if its input is trusted.",
      ),
    );
    expect(() => assertSafeRegExp(/^\/ok$/)).not.toThrow();
  });
});

describe("character classes written with escapes", () => {
  it("reads \\x and \\u range bounds, so overlaps through them are found", () => {
    expect(unsafeRegExpReason(/^\/([\x61-\x7a]+)+$/)).toBe("the repeated group ([\\x61-\\x7a]+)+ can match the same text in more than one way");
    expect(unsafeRegExpReason(/^\/(?:\/[\u0061-\u007a]+)*$/)).toBeUndefined();
    expect(unsafeRegExpReason(/^\/(?:[\x61-\x7a]+\x2f)*$/)).toBeUndefined();
  });
});

// The v flag, written without a literal: tsc targets ES2022.
const v = (source: string): RegExp => new RegExp(source, "v");

describe("Unicode property escapes (\\p{...}, with the u or v flag)", () => {
  it("are sets of their own characters, so a delimiter outside them keeps repetitions apart", () => {
    expect(unsafeRegExpReason(/^\/(?:\p{L}+\/)*$/u)).toBeUndefined();
    expect(unsafeRegExpReason(/^\/(?:\p{L}+-)*\p{L}+$/u)).toBeUndefined();
    expect(unsafeRegExpReason(/^\/(?:\p{Nd}+\.)+$/u)).toBeUndefined();
    expect(unsafeRegExpReason(/^\/(\p{Lu}|[a-z])+$/u)).toBeUndefined();
    expect(unsafeRegExpReason(/^\/(?:\P{L}+[a-z])*$/u)).toBeUndefined();
    expect(unsafeRegExpReason(v(String.raw`^\/(?:[\p{L}&&\p{Lu}]+\/)*$`))).toBeUndefined();
  });

  it("refuses the ambiguous repetitions they make", () => {
    expect(unsafeRegExpReason(/^\/(\p{L}+)+$/u)).toBe("the repeated group (\\p{L}+)+ can match the same text in more than one way");
    expect(unsafeRegExpReason(/^\/(\p{Ll}|[a-z])+$/u)).toBe("the alternatives of the repeated group (\\p{Ll}|[a-z])+ can start with the same character");
    expect(unsafeRegExpReason(/^\/(\p{Script=Greek}|[\u0370-\u03ff])+$/u)).toBe(
      "the alternatives of the repeated group (\\p{Script=Greek}|[\\u0370-\\u03ff])+ can start with the same character",
    );
    expect(unsafeRegExpReason(v(String.raw`^\/([\p{L}--[a-z]]+)+$`))).toBe("the repeated group ([\\p{L}--[a-z]]+)+ can match the same text in more than one way");
  });

  it("are compared conservatively: two properties may share characters beyond the sampled ones", () => {
    expect(unsafeRegExpReason(/^\/(\p{L}|\p{N})+$/u)).toBe("the alternatives of the repeated group (\\p{L}|\\p{N})+ can start with the same character");
  });

  it("a property of strings may match several characters, so repeating it is refused", () => {
    expect(unsafeRegExpReason(v(String.raw`^\/(\p{RGI_Emoji})+$`))).toBe("the repeated group (\\p{RGI_Emoji})+ can match the same text in more than one way");
    expect(unsafeRegExpReason(v(String.raw`^\/\p{RGI_Emoji}$`))).toBeUndefined();
  });

  it("class strings (\\q{...}) are alternatives of their own", () => {
    expect(unsafeRegExpReason(v(String.raw`^\/(?:[\q{ab|cd}])+$`))).toBeUndefined();
    expect(unsafeRegExpReason(v(String.raw`^\/(?:[\q{ab|a}])+$`))).toBe("the alternatives of the repeated group (?:[\\q{ab|a}])+ can start with the same character");
  });
});

describe("back-references", () => {
  it("make a pattern refused: backtracking over them cannot be bounded", () => {
    expect(unsafeRegExpReason(/^\/(\w+)-\1$/)).toBe("it has a back-reference (\\1), and backtracking over back-references cannot be bounded");
    expect(unsafeRegExpReason(/^\/(?<word>[a-z]+)\/\k<word>$/)).toBe(
      "it has a back-reference (\\k<word>), and backtracking over back-references cannot be bounded",
    );
  });

  it("assertSafeRegExp() says the pattern cannot be checked, and how to opt out", () => {
    expect(() => assertSafeRegExp(/^\/(a)\1$/)).toThrow(
      new TypeError(
        "The pattern /^\\/(a)\\1$/ cannot be checked for catastrophic backtracking (ReDoS): it has a back-reference (\\1), and backtracking over back-references cannot be bounded. " +
          "Rewrite it, or pass allowUnsafeRegExp: true if its input is trusted.",
      ),
    );
  });
});

describe("lookarounds", () => {
  it("consume nothing, so they do not make a repetition ambiguous", () => {
    expect(unsafeRegExpReason(/^\/(?<=\/)[a-z]+$/)).toBeUndefined();
    expect(unsafeRegExpReason(/^\/(?:(?<!-)[a-z]+-)*$/)).toBeUndefined();
    expect(unsafeRegExpReason(/^\/(?:(?=[a-z])\w+\/)*$/)).toBeUndefined();
  });

  it("but their own loops backtrack when they fail, lookbehind included", () => {
    expect(unsafeRegExpReason(/(?<=^(a+)+)c/)).toBe("the repeated group (a+)+ can match the same text in more than one way");
    expect(unsafeRegExpReason(/^(?!(\w+\s?)*$)/)).toBe("the repeated group (\\w+\\s?)* can match the same text in more than one way");
    expect(unsafeRegExpReason(/^(?=(a|ab)*c)/)).toBe("the alternatives of the repeated group (a|ab)* can start with the same character");
  });
});

describe("named groups", () => {
  it("are groups like any other", () => {
    expect(unsafeRegExpReason(/^\/(?<year>\d{4})-(?<month>\d{2})(?:-(?<day>\d{2}))?$/)).toBeUndefined();
    expect(unsafeRegExpReason(/^\/(?<words>[a-z]+)+$/)).toBe("the repeated group (?<words>[a-z]+)+ can match the same text in more than one way");
    expect(unsafeRegExpReason(/^\/(?:(?<a>x)|(?<b>x))+$/)).toBe("the alternatives of the repeated group (?:(?<a>x)|(?<b>x))+ can start with the same character");
  });
});

describe("patterns regexpp cannot read", () => {
  // A RegExp this engine made always parses; a newer engine's syntax, or a
  // RegExp whose source or flags were redefined, may not.
  const redefined = (source: string, flags: string): RegExp => Object.defineProperties(/x/, { source: { value: source }, flags: { value: flags } });

  it("are refused with regexpp's reason, for the flags given", () => {
    expect(unsafeRegExpReason(redefined("(?<=", ""))).toBe('regexpp cannot read it with the flags "" (Invalid regular expression: /(?<=/: Unterminated group)');
    expect(unsafeRegExpReason(redefined("^\\-$", ""))).toBeUndefined();
    expect(unsafeRegExpReason(redefined("^\\-$", "u"))).toBe('regexpp cannot read it with the flags "u" (Invalid regular expression: /^\\-$/u: Invalid escape)');
  });

  it("assertSafeRegExp() names the pattern", () => {
    expect(() => assertSafeRegExp(redefined("(?<=", ""), "params.id of /u/:id")).toThrow(
      new TypeError(
        'The pattern params.id of /u/:id cannot be checked for catastrophic backtracking (ReDoS): regexpp cannot read it with the flags "" (Invalid regular expression: /(?<=/: Unterminated group). ' +
          "Rewrite it, or pass allowUnsafeRegExp: true if its input is trusted.",
      ),
    );
  });

  it("modifiers a newer engine accepts change case-folding inside their group only", () => {
    expect(unsafeRegExpReason(redefined("^\\/(?:a|A)+$", ""))).toBeUndefined();
    expect(unsafeRegExpReason(redefined("^\\/(?:(?i:a)|A)+$", ""))).toBe("the alternatives of the repeated group (?:(?i:a)|A)+ can start with the same character");
    expect(unsafeRegExpReason(redefined("^\\/(?:(?-i:a)|(?-i:A))+$", "i"))).toBeUndefined();
    expect(unsafeRegExpReason(redefined("^\\/(?:a|A)+$", "i"))).toBe("the alternatives of the repeated group (?:a|A)+ can start with the same character");
  });
});
