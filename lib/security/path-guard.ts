/**
 * The request-target checks that run before routing: what the router, the
 * route regexes and the handlers must never see.
 */
import { BadRequest, URITooLong } from "../http/errors.js";

/** The longest raw path accepted by default (bytes); longer is a 414. */
export const DEFAULT_MAX_PATH_LENGTH = 8 * 1024;
/** The longest raw path segment, and so route parameter, accepted by default; longer is a 414. */
export const DEFAULT_MAX_PARAM_LENGTH = 1024;

/** The limits {@link guardPath} applies: the application's `maxPathLength` and `maxParamLength`. */
export interface PathLimits {
  readonly maxPathLength: number;
  readonly maxParamLength: number;
}

/**
 * Check a request's raw path before routing (the application calls it for
 * every request). Throws:
 *
 * - 400 for a target that is not a path (`http://host/x`, the proxy form;
 *   `*` with any method but `OPTIONS`);
 * - 414 for a path longer than `maxPathLength`, or with a segment longer
 *   than `maxParamLength` (so no route parameter, and no route regex's
 *   input, can be longer: this bounds the cost of any backtracking);
 * - 400 for invalid percent-encoding (`%zz`, overlong UTF-8 `%C0%AF`), an
 *   encoded NUL (`%00`), and any `.` or `..` segment, plain or encoded:
 *   handlerkit never resolves dot segments (browsers and `fetch` remove
 *   them before sending), so `/files/../etc` cannot reach a handler as
 *   anything but an error.
 *
 * `OPTIONS *` (about the server, not a resource) returns `true`: the caller
 * answers it (204 with `Allow` listing the methods it serves). Any other
 * request returns `false` and goes on to routing.
 *
 * @example
 * guardPath("GET", "/users/7", app);        // false
 * guardPath("GET", "/a/../b", app);         // throws BadRequest
 */
export function guardPath(method: string, raw: string, limits: PathLimits): boolean {
  // perf(bench: hello): most paths are short, start with "/", hold no "%"
  // and no "/.": four tests, and no scan of the segments. "Short" is under
  // both limits, so a maxPathLength below maxParamLength is still applied.
  if (raw.length <= limits.maxParamLength && raw.length <= limits.maxPathLength && raw.charCodeAt(0) === 47 && raw.indexOf("%") === -1 && raw.indexOf("/.") === -1) {
    return false;
  }
  if (raw === "*") {
    if (method !== "OPTIONS") throw new BadRequest("The request target * is only for OPTIONS.");
    return true;
  }
  if (raw.charCodeAt(0) !== 47) throw new BadRequest("The request target must be a path starting with /.");
  if (raw.length > limits.maxPathLength) throw new URITooLong(`The path is longer than ${limits.maxPathLength} bytes.`);
  let start = 1;
  while (start <= raw.length) {
    let end = raw.indexOf("/", start);
    if (end === -1) end = raw.length;
    if (end - start > limits.maxParamLength) throw new URITooLong(`A path segment is longer than ${limits.maxParamLength} bytes.`);
    if (isDotSegment(raw, start, end)) throw new BadRequest("The path has a '.' or '..' segment; they are not resolved, send the path without them.");
    start = end + 1;
  }
  if (raw.indexOf("%") !== -1) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      throw new BadRequest("The path has invalid percent-encoding.");
    }
    if (decoded.indexOf("\0") !== -1) throw new BadRequest("The path holds a NUL character.");
  }
  return false;
}

// `.`, `..`, and their encoded forms (`%2e`, `.%2E`, ...).
function isDotSegment(raw: string, start: number, end: number): boolean {
  const length = end - start;
  if (length === 0 || length > 6) return false;
  const segment = raw.slice(start, end).toLowerCase().replaceAll("%2e", ".");
  return segment === "." || segment === "..";
}
