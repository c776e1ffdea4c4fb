/**
 * The dispatcher hook and the return-value ladder: what a handler returns,
 * turned into a `Response`.
 */
import type { JsonOptions } from "../http/json-encoder.js";
import type { Request } from "./request.js";
import { Response, isStream, type ResponseBody } from "./response.js";

// A final status a tuple may carry: an integer from 200 to 599 (a 1xx is
// never a final answer, and anything else is data).
function isFinalStatus(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 200 && value <= 599;
}

/** What a returned array means, by the tuple grammar (see {@link readTuple}). */
export type Tuple =
  | { kind: "redirect"; status: number; location: string }
  | { kind: "status"; status: number; data: unknown }
  | { kind: "body"; body: unknown; status: number; headers: Record<string, string> | undefined };

/**
 * Read an array a handler returned as a tuple, or `undefined` when it is
 * data (sent as JSON). The grammar has no overlaps:
 *
 * - `[status, data]`: an integer status from 200 to 599, then data that is
 *   not a number; `[3xx, "location"]` is a redirect;
 * - `[body, status]` and `[body, status, headers]`: a body that is not a
 *   number, an integer status from 200 to 599, and a headers object;
 * - anything else (`[3, 120]`, `[150, 250]`, `[1, 2, 3]`) is data.
 *
 * @example
 * readTuple([201, { id: 7 }]);      // { kind: "status", status: 201, data: { id: 7 } }
 * readTuple(["Created", 201]);      // { kind: "body", body: "Created", status: 201, headers: undefined }
 * readTuple([3, 120]);              // undefined: data
 */
export function readTuple(value: readonly unknown[]): Tuple | undefined {
  if (value.length !== 2 && value.length !== 3) return undefined;
  const [first, second, third] = value;
  if (value.length === 2 && isFinalStatus(first) && typeof second !== "number") {
    if (first >= 300 && first < 400 && typeof second === "string") return { kind: "redirect", status: first, location: second };
    return { kind: "status", status: first, data: second };
  }
  if (typeof first !== "number" && isFinalStatus(second)) {
    if (value.length === 2) return { kind: "body", body: first, status: second, headers: undefined };
    if (typeof third === "object" && third !== null && !Array.isArray(third)) {
      return { kind: "body", body: first, status: second, headers: third as Record<string, string> };
    }
  }
  return undefined;
}

/**
 * The JSON data of a tuple: `[status, "text"]` is a message (`{ message }`,
 * in the error shape `{ error, message }` for 4xx and 5xx); any other data,
 * and a `[body, status]` body, is sent as it is.
 */
export function tupleData(tuple: Exclude<Tuple, { kind: "redirect" }>): unknown {
  if (tuple.kind === "body") return tuple.body;
  if (typeof tuple.data !== "string") return tuple.data;
  return tuple.status >= 400 ? { error: tuple.status, message: tuple.data } : { message: tuple.data };
}

/**
 * Turn a handler's result into a `Response`. `response` is the handler's own
 * (`this.response`): values other than a `Response` are written into it, so
 * headers and cookies the handler set are kept. The order of the cases is
 * the documented precedence. `json` are the app's JSON options
 * (`request.settings.json`): every JSON body is written with them.
 * `request`, when given, is the request answered: a redirect to another
 * host (`Response.redirect()`, `[3xx, location]`) is checked against it
 * (`response.checkRedirect`) and refused with a `TypeError` unless allowed.
 * A number that is not a final status (a 1xx, 999) is a `RangeError`.
 *
 * | returned | response |
 * | --- | --- |
 * | `undefined` | `response` itself |
 * | a `Response` | that one, unchanged |
 * | a string | `text/html; charset=utf-8` body |
 * | bytes | `application/octet-stream` body |
 * | a number | that status, empty body |
 * | `[3xx, location]` | a redirect |
 * | `[status, data]` | that status, `data` as JSON (a string as `{ message }`) |
 * | `[body, status, headers?]` | `new Response(body, status, headers)` |
 * | an (async) iterable or stream | a streamed body |
 * | anything else | JSON |
 */
export function toResponse(result: unknown, response: Response, json?: Readonly<JsonOptions>, request?: Request): Response {
  // Nothing: the handler wrote to this.response.
  if (result === undefined) return response;
  // A Response: sent as it is, once a redirect in it is known to stay on this host.
  if (result instanceof Response) return request === undefined ? result : result.checkRedirect(request);
  // Text.
  if (typeof result === "string") return response.setBody(result);
  // Bytes (before JSON: a Buffer is an object).
  if (result instanceof Uint8Array) return response.setBody(result);
  // A status code.
  if (typeof result === "number") {
    if (!isFinalStatus(result)) throw new RangeError(`The handler returned ${result}, which is not a response status (an integer from 200 to 599; a 1xx is never final).`);
    response.clear();
    return response.setStatus(result);
  }
  // Tuples (see readTuple); an array that is not one is data.
  const tuple = Array.isArray(result) ? readTuple(result) : undefined;
  if (tuple !== undefined) {
    // [3xx, location]: a redirect.
    if (tuple.kind === "redirect") {
      const redirect = Response.redirect(tuple.location, tuple.status);
      return request === undefined ? redirect : redirect.checkRedirect(request);
    }
    // [status, data]: data as JSON, a string as the message (in the error shape for 4xx/5xx).
    if (tuple.kind === "status") return new Response(undefined, tuple.status).setJson(tupleData(tuple), json);
    // [body, status, headers?]: a body that is an object is JSON.
    const response = new Response(undefined, tuple.status, tuple.headers);
    return isJsonData(tuple.body) ? response.setJson(tuple.body, json) : response.setBody(tuple.body as ResponseBody);
  }
  // Streams and iterables (not arrays, Maps or Sets: those are data).
  if (isStream(result)) return response.setBody(result);
  // Everything else: JSON (objects, arrays, Dates, booleans, null), through
  // the app's encoder, as JSON views write it.
  return response.setJson(result, json);
}

// A tuple's body that the Response constructor would send as JSON: not
// text, bytes, a stream, or nothing.
function isJsonData(body: unknown): boolean {
  return body !== undefined && body !== null && typeof body !== "string" && !(body instanceof Uint8Array) && !isStream(body);
}
