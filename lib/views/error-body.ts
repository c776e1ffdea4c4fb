/**
 * What an error says: its status, and the body every error format is
 * written from (HTML, JSON, plain text, problem details).
 */
import { errorChain } from "./debug-page.js";
import { HttpError, reasonPhrase } from "../http/errors.js";

/** The JSON body of an error: `{"error": 404, "message": "Not Found"}`, plus `detail` (and, in debug mode, `stack`). */
export interface ErrorBody {
  error: number;
  message: string;
  detail?: unknown;
  stack?: string;
}

/** The status an error is answered with: an `HttpError`'s own, 500 for anything else. */
export function errorStatus(error: unknown): number {
  return error instanceof HttpError ? error.status : 500;
}

/**
 * The JSON body for an error. An exposed error (4xx, or `expose: true`)
 * gives its message and `detail`; any other says `hidden` (the reason
 * phrase by default) unless `debug` is on, when it gives the real message,
 * `detail` and the stack with its causes.
 */
export function errorBody(error: unknown, debug: boolean, hidden?: string): ErrorBody {
  const status = errorStatus(error);
  const exposed = error instanceof HttpError && error.expose;
  if (!exposed && !debug) return { error: status, message: hidden ?? reasonPhrase(status) };
  const body: ErrorBody = { error: status, message: messageOf(error) };
  if (error instanceof HttpError && error.detail !== undefined) body.detail = error.detail;
  if (!exposed) body.stack = errorChain(error);
  return body;
}

// The message of anything thrown: an Error's message, a string as is.
function messageOf(error: unknown): string {
  if (error instanceof HttpError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return typeof error === "string" ? error : `Non-error thrown: ${safeString(error)}`;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
