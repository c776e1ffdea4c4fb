/**
 * Content negotiation: choosing among what the server can send from the
 * client's `Accept`, `Accept-Language`, `Accept-Encoding` and
 * `Accept-Charset` headers (RFC 9110 §12.5).
 *
 * The matching is `negotiator`'s (the jshttp module behind Express and koa),
 * which reads headers with `content-type`'s parser: quoted parameters may
 * hold commas and semicolons, and a media range with parameters
 * (`text/html;level=1`) matches only an offer with those parameters. What is
 * ours: the shorthands (`json`, `html`, ...), blank headers read as absent,
 * the bound on hostile headers and the hygiene of `q`, both applied by
 * rewriting the header before negotiator sees it.
 */
import { parse } from "content-type";
import Negotiator from "negotiator";

// Shorthands accepted by `request.accepts()`, as Express and koa take them.
// A Map, so that an offer named `constructor` is not read off Object.prototype.
const SHORTHANDS = new Map<string, string>([
  ["json", "application/json"],
  ["html", "text/html"],
  ["text", "text/plain"],
  ["txt", "text/plain"],
  ["xml", "application/xml"],
  ["csv", "text/csv"],
  ["css", "text/css"],
  ["js", "text/javascript"],
  ["form", "application/x-www-form-urlencoded"],
  ["multipart", "multipart/form-data"],
  ["png", "image/png"],
  ["jpeg", "image/jpeg"],
  ["svg", "image/svg+xml"],
  ["pdf", "application/pdf"],
  ["bin", "application/octet-stream"],
]);

// A hostile header of thousands of ranges must not cost more than a
// legitimate one (negotiator compares every offer with every range, and has
// no bound of its own); browsers send fewer than 20. Empty list elements
// count too, so that `,,,,` is bounded as well.
const MAX_RANGES = 64;

// Linear, both: one character class each (the header itself is read by
// content-type's parser, a scan, and bounded to MAX_RANGES elements).
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const QUOTED_SPECIALS = /[\\"]/g;

/** One range of an `Accept*` header: its value as the client wrote it, its parameters other than `q`, and its quality. */
interface Range {
  value: string;
  params: string;
  q: number;
}

/** The ranges of a header, and whether negotiator may be handed the header as it is. */
interface Ranges {
  ranges: Range[];
  asIs: boolean;
}

/**
 * Read at most {@link MAX_RANGES} list elements of an `Accept*` header with
 * `content-type`'s parser, the one negotiator uses, so that the bound cuts
 * where negotiator would split (never inside a quoted string). A `q` that is
 * not a number counts as 0 and one above 1 as 1, where negotiator would take
 * `q=5` as the strongest preference of all.
 */
function readRanges(header: string): Ranges {
  const ranges: Range[] = [];
  let asIs = true;
  let index = 0;
  for (let elements = 0; index < header.length; elements++) {
    if (elements === MAX_RANGES) {
      asIs = false;
      break;
    }
    // Skipped here as negotiator does, to keep the client's case of the value.
    while (header.charCodeAt(index) === 0x20 || header.charCodeAt(index) === 0x09) index++;
    const parsed = parse(header, { comma: true, start: index });
    const value = header.slice(index, index + parsed.type.length);
    index = parsed.index + 1;
    if (value === "") continue;
    const raw = parsed.parameters.q;
    const n = Number(raw);
    const q = raw === undefined ? 1 : n >= 0 && n <= 1 ? n : n > 1 ? 1 : 0;
    if (raw !== undefined && (raw === "" || parseFloat(raw) !== q)) asIs = false;
    let params = "";
    for (const [name, param] of Object.entries(parsed.parameters)) {
      if (name !== "q") params += `;${name}=${TOKEN.test(param) ? param : `"${param.replace(QUOTED_SPECIALS, "\\$&")}"`}`;
    }
    ranges.push({ value, params, q });
  }
  return { ranges, asIs };
}

/**
 * The ranges written back as a header: with their own qualities, or, given
 * a `level`, with q=1 for those at or above it and q=0 for the others.
 */
function formatRanges(ranges: readonly Range[], level?: number): string {
  let header = "";
  for (const range of ranges) {
    const q = level === undefined ? range.q : range.q >= level ? 1 : 0;
    header += `${header === "" ? "" : ","}${range.value}${range.params};q=${q}`;
  }
  return header;
}

/** The header negotiator is given: the client's own when it is within bounds, else the bounded rewrite. */
function bounded(header: string): string {
  const { ranges, asIs } = readRanges(header);
  return asIs ? header : formatRanges(ranges);
}

const isBlank = (header: string | undefined): header is undefined => header === undefined || header.trim() === "";

/** The full media type of an offer: a shorthand's, or the offer itself. */
function fullType(offer: string): string {
  return SHORTHANDS.get(offer.toLowerCase()) ?? offer;
}

/**
 * The media type the client prefers among `types` (full types such as
 * `application/json`, possibly with parameters, or shorthands such as
 * `json`, `html`, `text`), given its `Accept` header; returned as it was
 * passed. Highest quality first, then the more specific range, then the
 * client's order, then the order of `types`. A range with parameters
 * matches only an offer that has them (RFC 9110 §12.5.1). With no header,
 * or a blank one, the first offer; `false` when none is acceptable.
 *
 * @example
 * acceptsType("text/html,application/json;q=0.9", ["json", "html"]); // "html"
 * acceptsType("application/vnd.api+json;version=2", ["application/vnd.api+json;version=1", "application/vnd.api+json;version=2"]); // the second
 */
export function acceptsType(header: string | undefined, types: readonly string[]): string | false {
  if (types.length === 0) return false;
  const full = types.map(fullType);
  const accept = isBlank(header) ? "*/*" : bounded(header);
  const best = new Negotiator({ headers: { accept } }).mediaType(full);
  return best === undefined ? false : types[full.indexOf(best)]!;
}

/**
 * The offer among `offers` (as {@link acceptsType} takes them) with the
 * highest quality for the client's `Accept` header; offers of equal quality
 * go in the order given, whatever the client's order or the specificity of
 * the ranges. This is the server choosing among formats it would serve
 * equally well, as an error page does: `Accept: text/html, application/json`
 * gets the first of `["application/json", "text/html"]`. With no header, or
 * a blank one, the first offer; `undefined` when none is acceptable.
 *
 * @example
 * preferredMediaType("text/html, application/json", ["application/json", "text/html"]); // "application/json"
 * preferredMediaType("text/html, application/json;q=0.9", ["application/json", "text/html"]); // "text/html"
 */
export function preferredMediaType(header: string | undefined, offers: readonly string[]): string | undefined {
  if (offers.length === 0) return undefined;
  if (isBlank(header)) return offers[0];
  const { ranges } = readRanges(header);
  const levels = [...new Set(ranges.map((range) => range.q))].filter((q) => q > 0).sort((a, b) => b - a);
  const full = offers.map(fullType);
  // Negotiator does not tell qualities, only an order; so ask it which offers
  // reach a level, with every range at or above the level rewritten to q=1
  // and every other to q=0. An offer takes the quality of its most specific
  // range (the highest on a tie), so it is accepted exactly when its own
  // quality reaches the level. Fewer offers reach higher levels: a binary
  // search finds the highest level any offer reaches in a few calls.
  let lo = 0;
  let hi = levels.length - 1;
  let found: string[] = [];
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const accepted = new Negotiator({ headers: { accept: formatRanges(ranges, levels[mid]) } }).mediaTypes(full);
    if (accepted.length > 0) {
      found = accepted;
      hi = mid - 1;
    } else {
      lo = mid + 1;
    }
  }
  if (found.length === 0) return undefined;
  return offers[Math.min(...found.map((type) => full.indexOf(type)))];
}

/**
 * The language the client prefers among `languages` (BCP 47 tags, returned
 * as passed), given its `Accept-Language` header; `en` serves a client
 * asking for `en-GB` and the other way round, exact matches first. With no
 * header, or a blank one, the first; `false` when none is acceptable.
 *
 * @example
 * acceptsLanguage("fr-CH, fr;q=0.9, en;q=0.8", ["en", "fr"]); // "fr"
 */
export function acceptsLanguage(header: string | undefined, languages: readonly string[]): string | false {
  const acceptLanguage = isBlank(header) ? "*" : bounded(header);
  return new Negotiator({ headers: { "accept-language": acceptLanguage } }).language(languages) ?? false;
}

/**
 * The coding the client prefers among `encodings` (`gzip`, `br`, ...), given
 * its `Accept-Encoding` header. `identity` stays acceptable unless the
 * client refuses it (`identity;q=0` or `*;q=0`), as RFC 9110 §12.5.3 says.
 * With no header, or an empty one, only `identity` is: a client that did
 * not say it can decode a coding is not sent one. Between codings of the
 * same quality the client's order decides, or with `preferred` the server's
 * (the first of `preferred`).
 *
 * @example
 * acceptsEncoding("gzip, br", ["br", "gzip", "identity"]); // "gzip"
 * acceptsEncoding("gzip, br", ["br", "gzip", "identity"], ["br", "gzip"]); // "br"
 * acceptsEncoding(undefined, ["br", "identity"]); // "identity"
 */
export function acceptsEncoding(header: string | undefined, encodings: readonly string[], preferred?: readonly string[]): string | false {
  const acceptEncoding = isBlank(header) ? "" : bounded(header);
  // negotiator 1.x takes `{ preferred }`, which its typings do not declare yet.
  const negotiator = new Negotiator({ headers: { "accept-encoding": acceptEncoding } }) as Negotiator & {
    encoding(available: readonly string[], options?: { preferred?: readonly string[] }): string | undefined;
  };
  return negotiator.encoding(encodings, preferred === undefined ? undefined : { preferred }) ?? false;
}

/** The charset the client prefers among `charsets`, given its `Accept-Charset` header; with none, or a blank one, the first. */
export function acceptsCharset(header: string | undefined, charsets: readonly string[]): string | false {
  const acceptCharset = isBlank(header) ? "*" : bounded(header);
  return new Negotiator({ headers: { "accept-charset": acceptCharset } }).charset(charsets) ?? false;
}

/**
 * Every range of an `Accept*` header with a positive quality, best first
 * (the client's order on a tie), as the client wrote it (`en-US` stays
 * `en-US`) and without its parameters. A missing or blank header lists
 * `absent`: `*\/*` for `Accept` and `*` for the others, meaning everything
 * is acceptable.
 *
 * @example
 * acceptedRanges("en-US, fr;q=0.5, de;q=0"); // ["en-US", "fr"]
 * acceptedRanges(undefined, "*"); // ["*"]
 */
export function acceptedRanges(header: string | undefined, absent?: string): string[] {
  if (isBlank(header)) return absent === undefined ? [] : [absent];
  return readRanges(header)
    .ranges.filter((range) => range.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((range) => range.value);
}
