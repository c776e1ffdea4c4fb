/**
 * The linear-time sweep: every place in lib/ where a RegExp (or a parser
 * standing for one) reads client input is fed 64 KiB of its worst input
 * (runs of spaces, of the separator, of the repeated class), and its cost
 * per character is compared with its cost per character on 1 KiB of the
 * same, measured in the same run over the same number of characters (the
 * small input read 64 times as often): a linear reader costs the same per
 * character, a quadratic one 64 times more. The bound allows 16 times, for
 * caches, the collector and a machine shared with other work; no absolute
 * time is asserted.
 *
 * Route patterns a user writes are the ReDoS check's business
 * (spec/security/redos.spec.ts); the regexes path-to-regexp compiles from
 * templates are checked here. The redirect-target checks and Range
 * parsing were quadratic RegExps and are scans now; the control case at
 * the end shows the measure catching the old Range RegExp.
 */
import { describe, expect, it } from "vitest";
import { escapeHtml, HeaderMap, MultiDict, Request, Response, Route } from "../../lib/index.js";
import { formatEvent } from "../../lib/extras/sse.js";
import { disposition, parseRange } from "../../lib/http/files.js";
import { checkRedirectTarget, sameOriginPath, trimSpaces } from "../../lib/security/safe-redirect.js";
import { hostName, isValidHost } from "../../lib/security/host-guard.js";
import { acceptsType, acceptsLanguage, acceptedRanges } from "../../lib/http/negotiation.js";
import { parseCookies } from "../../lib/http/cookies.js";
import { guardPath } from "../../lib/security/path-guard.js";
import { parseMultipart, multipartOptions } from "../../lib/http/multipart.js";
import { requestId } from "../../lib/core/request-id.js";

const SMALL = 1024;
const BIG = 64 * 1024;
// Per character, linear is 1 and quadratic 64.
const MAX_GROWTH = 16;

function timeOf(run: (input: string) => unknown, input: string, reps: number): number {
  const started = performance.now();
  for (let i = 0; i < reps; i++) {
    try {
      run(input);
    } catch {
      // Refusing the input is an answer too; its cost is what is measured.
    }
  }
  return performance.now() - started;
}

/**
 * How much more a character of `worst(big)` costs `run` than one of
 * `worst(small)`: each input read until the big one takes 4 ms, the small
 * one as many characters' worth; the two measured in turn, four times,
 * and the best of each kept (a pause of the collector or of the machine
 * only ever adds time).
 */
function growth(run: (input: string) => unknown, worst: (n: number) => string, small = SMALL, big = BIG): number {
  const short = worst(small);
  const long = worst(big);
  const factor = Math.round(long.length / short.length);
  timeOf(run, short, factor);
  let reps = 1;
  while (timeOf(run, long, reps) < 4 && timeOf(run, short, reps * factor) < 4 && reps < 1 << 10) reps *= 2;
  let bestLong = Infinity;
  let bestShort = Infinity;
  for (let i = 0; i < 4; i++) {
    bestShort = Math.min(bestShort, timeOf(run, short, reps * factor));
    bestLong = Math.min(bestLong, timeOf(run, long, reps));
  }
  return bestLong / bestShort;
}

// Worst inputs, each n characters long (give or take a prefix), as flat
// strings like the ones Node's parser makes (repeat() makes ropes).
const run = (unit: string, n: number) => Buffer.alloc(n, unit, "latin1").toString("latin1");

type Case = [place: string, reader: (input: string) => unknown, worst: (n: number) => string, sizes?: [small: number, big: number]];

// Redirect targets over 8 KiB are refused before they are read: measured below the cap.
const UNDER_REDIRECT_CAP: [number, number] = [128, 8 * 1024];

const blank = (headers: Record<string, string>) => Request.blank("/", { headers });
const built = new Route("/a/:x", () => "", { name: "a" });
const dashes = new Route("/:a-:b-:c", () => "");
const users = new Route("/users/:id", () => "");
const noLimits = { maxPathLength: 1 << 20, maxParamLength: 1 << 20 };

const cases: Case[] = [
  // core/request.ts
  ["request.charset: a Content-Type of '; ' runs", (h) => blank({ "content-type": h }).charset, (n) => `text/plain${run("; ", n)}`],
  ["request.charset: a Content-Type of spaces after charset=", (h) => blank({ "content-type": h }).charset, (n) => `text/plain;charset=${run(" ", n)};`],
  ["request.contentLength: a run of digits that ends badly", (h) => blank({ "content-length": h }).contentLength, (n) => `${run("1", n)}x`],
  ["request.port: a Host with a run of digits for a port", (h) => blank({ host: h }).port, (n) => `a:${run("1", n)}`],
  ["request.hostname: a Host of colons", (h) => blank({ host: h }).hostname, (n) => run(":", n)],
  ["Request.blank: an absolute URL whose host runs to a line break", (url) => Request.blank(url).rawPath, (n) => `http://${run("a", n)}\n`],
  ["request.json(): the charset check on a Content-Type of '; ' runs", (h) => blank({ "content-type": `application/json${h}` }).charset, (n) => run(";charset ", n)],
  // core/request-id.ts
  ["requestId: an X-Request-Id that is nearly an id", (h) => requestId(new HeaderMap({ "x-request-id": h }), true), (n) => `${run("a", n)}!`],
  // http/multi-dict.ts
  ["MultiDict.parse: a query of '+'", (q) => MultiDict.parse(q, 1_000_000), (n) => `a=${run("+", n)}`],
  ["MultiDict.parse: a query of '&'", (q) => MultiDict.parse(q, 1_000_000), (n) => run("&", n)],
  ["MultiDict.parse: a query of '%'", (q) => MultiDict.parse(q, 1_000_000), (n) => `a=${run("%", n)}`],
  // http/negotiation.ts (negotiator, content-type)
  ["request.accepts(): an Accept of spaces", (h) => acceptsType(h, ["json", "html"]), (n) => `${run(" ", n)}x`],
  ["request.accepts(): an Accept of commas", (h) => acceptsType(h, ["json", "html"]), (n) => run(",", n)],
  ["request.accepts(): an Accept with a run of ';'", (h) => acceptsType(h, ["json", "html"]), (n) => `text/html${run(";", n)}`],
  ["request.accepts(): an Accept with one long quoted parameter", (h) => acceptsType(h, ["json", "html"]), (n) => `text/html;a="${run("\\\"", n)}`],
  ["request.acceptsLanguages(): an Accept-Language of '-'", (h) => acceptsLanguage(h, ["en"]), (n) => run("-", n)],
  ["request.accepts() with no offers: an Accept of ';q=' runs", (h) => acceptedRanges(h), (n) => `a/b${run(";q=", n)}`],
  // http/cookies.ts
  ["request.cookies: a Cookie of ';'", (h) => parseCookies(h), (n) => run(";", n)],
  ["request.cookies: a Cookie of spaces and '='", (h) => parseCookies(h), (n) => run(" =", n)],
  ["response.setCookie(): a value that is nearly cookie-octets", (v) => new Response().setCookie("a", v), (n) => `${run("a", n)};`],
  // http/header-map.ts
  ["headers.set(): a value of spaces with a CR at the end", (v) => new HeaderMap().set("x-a", v), (n) => `${run(" ", n)}\r`],
  ["headers.set(): a name that is nearly a token", (name) => new HeaderMap().set(name, "v"), (n) => `${run("a", n)} `],
  // core/response.ts
  ["response.charset: a Content-Type with an unclosed quoted charset", (h) => new Response("", 200, { "content-type": h }).charset, (n) => `text/plain;charset="${run("a", n)}`],
  ["response.charset: a Content-Type of ';charset=\"' runs", (h) => new Response("", 200, { "content-type": h }).charset, (n) => run(';charset="', n)],
  ["response.statusMessage: a reason phrase with a CR at the end", (m) => (new Response().statusMessage = m), (n) => `${run("a", n)}\r`],
  // core/route.ts (URL building) and the regexes path-to-regexp compiles
  ["route.buildPath(): a parameter of spaces", (v) => built.buildPath({ x: v }), (n) => run(" ", n)],
  ["route /:a-:b-:c: a segment of '-'", (p) => dashes.matchPath(p), (n) => `/${run("-", n)}`],
  ["route /:a-:b-:c: a segment of 'a-'", (p) => dashes.matchPath(p), (n) => `/${run("a-", n)}/`],
  ["route /users/:id: a long segment that ends in a slash run", (p) => users.matchPath(p), (n) => `/users/${run("a", n)}//`],
  // security/path-guard.ts (scans, no RegExp)
  ["guardPath: a path of short segments that end in a dot", (p) => guardPath("GET", p, noLimits), (n) => `/${run("a./", n)}`],
  ["guardPath: a path of '%2e'", (p) => guardPath("GET", p, noLimits), (n) => `/${run("%2e", n)}`],
  // http/files.ts
  ["disposition(): a file name of quotes and non-ASCII", (name) => disposition(name), (n) => run('"é', n)],
  ["parseRange(): bytes=0- and a run of spaces that ends badly", (h) => parseRange(h, 1_000), (n) => `bytes=0-${run(" ", n)}x`],
  ["parseRange(): a run of digits", (h) => parseRange(h, 1_000), (n) => `bytes=${run("1", n)}-`],
  // security/safe-redirect.ts (redirect(), Response.redirect(), [3xx, location])
  ["checkRedirectTarget(): / and a run of spaces that ends in x", (t) => checkRedirectTarget(t), (n) => `/${run(" ", n)}x`, UNDER_REDIRECT_CAP],
  ["sameOriginPath(): / and a run of spaces that ends in x", (t) => sameOriginPath(t), (n) => `/${run(" ", n)}x`, UNDER_REDIRECT_CAP],
  ["sameOriginPath(): a run of dot segments", (t) => sameOriginPath(t), (n) => `/${run("../", n)}`, UNDER_REDIRECT_CAP],
  ["sameOriginPath(): a run of backslashes", (t) => sameOriginPath(t), (n) => `/${run("\\", n)}`, UNDER_REDIRECT_CAP],
  ["checkRedirectTarget(): 64 KiB is refused by its length, before it is read", (t) => checkRedirectTarget(t), (n) => `/${run(" ", n)}x`],
  ["trimSpaces(): a run of spaces inside", (t) => trimSpaces(t), (n) => `a${run(" ", n)}a`],
  // security/host-guard.ts (Host, before routing)
  ["isValidHost(): a run of name characters that ends badly", (h) => isValidHost(h), (n) => `${run("a.", n)}@`],
  ["hostName(): a run of colons", (h) => hostName(h), (n) => run(":", n)],
  // extras/sse.ts
  ["formatEvent(): data of CRs", (data) => formatEvent({ data }), (n) => run("\r", n)],
  ["formatEvent(): an event name that is one long line", (event) => formatEvent({ event, data: "x" }), (n) => run("a", n)],
  // views/escape-html.ts
  ["escapeHtml(): a run of '<'", (text) => escapeHtml(text), (n) => run("<", n)],
];

describe("every RegExp on client input runs in linear time (64 KiB against 1 KiB, same run)", () => {
  for (const [place, reader, worst, sizes = [SMALL, BIG]] of cases) {
    it(place, () => {
      expect(growth(reader, worst, ...sizes)).toBeLessThan(MAX_GROWTH);
    });
  }

  it("the multipart boundary check: a Content-Type of '; ' runs", async () => {
    const options = multipartOptions(1024, 10);
    const read = (type: string) => parseMultipart(Buffer.from(""), type, 0, options, () => {}).catch(() => undefined);
    const time = async (type: string, reps: number) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        for (let r = 0; r < reps; r++) await read(type);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    const small = `multipart/form-data${run("; ", SMALL)}; boundary=x`;
    const big = `multipart/form-data${run("; ", BIG)}; boundary=x`;
    await time(big, 4);
    expect((await time(big, 4)) / (await time(small, 256))).toBeLessThan(MAX_GROWTH);
  });

  it("the measure tells them apart: a quadratic RegExp grows by far more than the bound", () => {
    // The one Range parsing used, on the input that made it quadratic (at 128 B and 8 KiB, to be quick).
    expect(growth((h) => /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(h), (n) => `bytes=0-${run(" ", n)}x`, 128, 8 * 1024)).toBeGreaterThan(MAX_GROWTH * 2);
  });
});
