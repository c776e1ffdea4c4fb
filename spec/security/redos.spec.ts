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
