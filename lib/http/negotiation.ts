/**
 * Content negotiation: choosing among what the server can send from the
 * client's `Accept`, `Accept-Language`, `Accept-Encoding` and
 * `Accept-Charset` headers (RFC 9110 §12.5).
 */

// Shorthands accepted by `request.accepts()`, as Express and koa take them.
const SHORTHANDS: Record<string, string> = {
  json: "application/json",
  html: "text/html",
  text: "text/plain",
  txt: "text/plain",
  xml: "application/xml",
  csv: "text/csv",
  css: "text/css",
  js: "text/javascript",
  form: "application/x-www-form-urlencoded",
  multipart: "multipart/form-data",
  png: "image/png",
  jpeg: "image/jpeg",
  svg: "image/svg+xml",
  pdf: "application/pdf",
  bin: "application/octet-stream",
};

// A hostile header of thousands of ranges must not cost more than a
// legitimate one; browsers send fewer than 20.
const MAX_RANGES = 64;

/** One range of an `Accept*` header: its value (lower case), quality and position. */
interface Range {
  value: string;
  q: number;
  index: number;
}

/** How well an offer matches a range: -1 for no match, higher for more specific. */
type Matcher = (range: string, offer: string) => number;

/** Parse an `Accept*` header into ranges, without parameters other than `q`. */
function parseRanges(header: string): Range[] {
  const ranges: Range[] = [];
  for (const part of header.split(",", MAX_RANGES)) {
    const semi = part.indexOf(";");
    const value = (semi === -1 ? part : part.slice(0, semi)).trim().toLowerCase();
    if (!value) continue;
    let q = 1;
    if (semi !== -1) {
      // A malformed quality refuses the range rather than granting q=1.
      const match = /;\s*q\s*=\s*([^;\s]*)/i.exec(part);
      if (match) q = Math.min(1, Math.max(0, Number(match[1]) || 0));
    }
    ranges.push({ value, q, index: ranges.length });
  }
  return ranges;
}

/**
 * The offer the client prefers: highest quality first, then the most
 * specific matching range, then the client's order, then the order of
 * `offers`. With no header everything is acceptable and the first offer
 * wins; an offer whose best range has `q=0` is refused. `false` when
 * nothing is acceptable.
 */
function negotiate(header: string | undefined, offers: readonly string[], normalize: (offer: string) => string, match: Matcher): string | false {
  if (offers.length === 0) return false;
  if (header === undefined || header.trim() === "") return offers[0]!;
  const ranges = parseRanges(header);
  let best: string | false = false;
  let bestQ = 0;
  let bestSpecificity = -1;
  let bestIndex = Infinity;
  for (const offer of offers) {
    const normal = normalize(offer);
    let q = -1;
    let specificity = -1;
    let index = Infinity;
    for (const range of ranges) {
      const s = match(range.value, normal);
      if (s > specificity || (s === specificity && s >= 0 && range.q > q)) {
        specificity = s;
        q = range.q;
        index = range.index;
      }
    }
    if (specificity < 0 || q <= 0) continue;
    if (q > bestQ || (q === bestQ && (specificity > bestSpecificity || (specificity === bestSpecificity && index < bestIndex)))) {
      best = offer;
      bestQ = q;
      bestSpecificity = specificity;
      bestIndex = index;
    }
  }
  return best;
}

/** The ranges of a header that have a positive quality, best first (what `accepts()` with no argument lists). */
function preferred(header: string | undefined): string[] {
  if (!header) return [];
  return parseRanges(header)
    .filter((range) => range.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((range) => range.value);
}

function normalizeType(offer: string): string {
  const type = SHORTHANDS[offer.toLowerCase()] ?? offer;
  const semi = type.indexOf(";");
  return (semi === -1 ? type : type.slice(0, semi)).trim().toLowerCase();
}

function matchType(range: string, offer: string): number {
  if (range === offer) return 2;
  if (range === "*/*" || range === "*") return 0;
  const slash = range.indexOf("/");
  if (range.endsWith("/*") && offer.startsWith(range.slice(0, slash + 1))) return 1;
  return -1;
}

function matchLanguage(range: string, offer: string): number {
  if (range === offer) return 3;
  if (range === "*") return 0;
  // A range `en` matches `en-GB` (RFC 4647 basic filtering); an offer `en`
  // also serves a client asking for `en-GB`, as a weaker match.
  if (offer.startsWith(range) && offer.charCodeAt(range.length) === 45) return 2;
  if (range.startsWith(offer) && range.charCodeAt(offer.length) === 45) return 1;
  return -1;
}

function matchToken(range: string, offer: string): number {
  if (range === offer) return 1;
  return range === "*" ? 0 : -1;
}

const lower = (offer: string): string => offer.toLowerCase();

/**
 * The media type the client prefers among `types` (full types such as
 * `application/json`, or shorthands such as `json`, `html`, `text`), given
 * its `Accept` header; returned as it was passed. `false` when none is
 * acceptable. With no `types`, every accepted range, best first.
 *
 * @example
 * acceptsType("text/html,application/json;q=0.9", ["json", "html"]); // "html"
 */
export function acceptsType(header: string | undefined, types: readonly string[]): string | false {
  return negotiate(header, types, normalizeType, matchType);
}

/**
 * The language the client prefers among `languages` (BCP 47 tags), given its
 * `Accept-Language` header; `en` serves a client asking for `en-GB` and the
 * other way round, exact matches first. `false` when none is acceptable.
 *
 * @example
 * acceptsLanguage("fr-CH, fr;q=0.9, en;q=0.8", ["en", "fr"]); // "fr"
 */
export function acceptsLanguage(header: string | undefined, languages: readonly string[]): string | false {
  return negotiate(header, languages, lower, matchLanguage);
}

/**
 * The coding the client prefers among `encodings` (`gzip`, `br`, ...), given
 * its `Accept-Encoding` header. `identity` stays acceptable unless the client
 * refuses it (`identity;q=0` or `*;q=0`), as RFC 9110 says.
 */
export function acceptsEncoding(header: string | undefined, encodings: readonly string[]): string | false {
  if (header !== undefined && encodings.some((e) => e.toLowerCase() === "identity") && !/(^|,)\s*(identity|\*)\s*;\s*q\s*=\s*0(\.0*)?\s*(,|$)/i.test(header)) {
    header = `${header}, identity;q=0.001`;
  }
  return negotiate(header, encodings, lower, matchToken);
}

/** The charset the client prefers among `charsets`, given its `Accept-Charset` header. */
export function acceptsCharset(header: string | undefined, charsets: readonly string[]): string | false {
  return negotiate(header, charsets, lower, matchToken);
}

/** Every range of an `Accept*` header with a positive quality, best first. */
export function acceptedRanges(header: string | undefined): string[] {
  return preferred(header);
}
