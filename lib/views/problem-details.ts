/**
 * RFC 9457 problem details: errors as `application/problem+json`, an
 * alternative to the jsonview shape `{"error", "message"}`.
 */
import { errorBody, type ErrorBody } from "./error-body.js";
import { reasonPhrase } from "../http/errors.js";
import type { Request } from "../core/request.js";

/** The media type of problem details. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** An RFC 9457 problem: the standard members, plus extensions (`errors` for an error's `detail`, `stack` in debug mode). */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

/**
 * Whether this request's errors are answered as problem details: the
 * matched route's `problemDetails` option, else the application's
 * (resolved in `request.settings`).
 */
export function wantsProblemDetails(request: Request): boolean {
  return request.settings.problemDetails;
}

/** Turn an error body (the jsonview shape) into problem details. */
export function toProblem(request: Request, body: ErrorBody, type?: unknown): ProblemDetails {
  const title = reasonPhrase(body.error);
  const problem: ProblemDetails = { type: typeof type === "string" ? type : "about:blank", title, status: body.error };
  if (body.message !== title) problem.detail = body.message;
  problem.instance = request.rawPath;
  if (body.detail !== undefined) problem.errors = body.detail;
  if (body.stack !== undefined) problem.stack = body.stack;
  return problem;
}

/**
 * The problem details of an error. `type` is `about:blank` (the status
 * says it all) unless the error carries a `type` URI; `title` is the
 * reason phrase; `detail` is the message when it says more than the title
 * and may be shown (4xx, or debug mode); `instance` is the request path.
 * An error's `detail` data goes in the `errors` extension.
 *
 * @example
 * // {"type":"about:blank","title":"Not Found","status":404,"detail":"No such user","instance":"/users/7"}
 */
export function problemDetailsOf(request: Request, error: unknown, debug: boolean, hidden?: string): ProblemDetails {
  return toProblem(request, errorBody(error, debug, hidden), (error as { type?: unknown } | null)?.type);
}
