/**
 * A request timer: the smallest useful middleware, timing the rest of the
 * pipeline into a `Server-Timing` header.
 */
import type { Middleware } from "../core/middleware.js";

/** Options of {@link requestTimer}. */
export interface RequestTimerOptions {
  /** The metric's name in `Server-Timing` (`app`). */
  name?: string;
  /** Its description (`desc="..."`), if any. */
  description?: string;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Time the rest of the pipeline (inner middleware, routing, the handler and
 * the return-value ladder, or the error page) and add it to the response as
 * `Server-Timing: app;dur=1.234` (milliseconds), which browsers show in
 * their developer tools. A streamed body is timed until the handler
 * returned it, not until the last byte. Register it first (outermost) to
 * time everything inside; the timing is visible to anyone who can read the
 * response, as any header is.
 *
 * @example
 * app.use(requestTimer());                                   // Server-Timing: app;dur=0.412
 * app.use(requestTimer({ name: "db", description: "queries" }));
 */
export function requestTimer(options: RequestTimerOptions = {}): Middleware {
  const name = options.name ?? "app";
  if (!TOKEN.test(name)) throw new TypeError(`requestTimer(): name ${JSON.stringify(name)} must be a token (letters, digits, - and _).`);
  const text = options.description;
  if (text !== undefined && /[^\x20-\x7e]/.test(text)) throw new TypeError("requestTimer(): description must be printable ASCII.");
  const description = text === undefined ? "" : `;desc=${JSON.stringify(text)}`;
  return async function requestTimerMiddleware(_request, next) {
    const start = performance.now();
    const response = await next();
    response.headers.append("server-timing", `${name}${description};dur=${(performance.now() - start).toFixed(3)}`);
    return response;
  };
}
