/**
 * The dispatcher hook and the return-value ladder: what a handler returns,
 * turned into a `Response`.
 */
import { Response, isStream } from "./response.js";

function isStatus(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 100 && value <= 999;
}

/**
 * Turn a handler's result into a `Response`. `response` is the handler's own
 * (`this.response`): values other than a `Response` are written into it, so
 * headers and cookies the handler set are kept. The order of the cases is
 * the documented precedence.
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
export function toResponse(result: unknown, response: Response): Response {
  // Nothing: the handler wrote to this.response.
  if (result === undefined) return response;
  // A Response: sent as it is.
  if (result instanceof Response) return result;
  // Text.
  if (typeof result === "string") return response.setBody(result);
  // Bytes (before JSON: a Buffer is an object).
  if (result instanceof Uint8Array) return response.setBody(result);
  // A status code.
  if (typeof result === "number") {
    response.clear();
    return response.setStatus(result);
  }
  // Tuples.
  if (Array.isArray(result) && (result.length === 2 || result.length === 3)) {
    const [first, second, third] = result as [unknown, unknown, unknown];
    if (isStatus(first) && result.length === 2 && !isStatus(second)) {
      // [3xx, location]: a redirect.
      if (first >= 300 && first < 400 && typeof second === "string") return Response.redirect(second, first);
      // [status, data]: data as JSON, a string as the message (in the error shape for 4xx/5xx).
      if (typeof second === "string") {
        return Response.json(first >= 400 ? { error: first, message: second } : { message: second }, first);
      }
      return Response.json(second, first);
    }
    if (isStatus(second) && (third === undefined || (typeof third === "object" && third !== null))) {
      // [body, status, headers?]
      return new Response(first as never, second, third as Record<string, string> | undefined);
    }
  }
  // Streams and iterables (not arrays, Maps or Sets: those are data).
  if (isStream(result)) return response.setBody(result);
  // Everything else: JSON (objects, arrays, Dates, booleans, null).
  return response.setJson(result);
}
