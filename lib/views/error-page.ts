/**
 * The built-in error page: an `HttpError` (or any thrown value) as HTML,
 * JSON or plain text, following what the client accepts, and the debug
 * page for 5xx errors in debug mode.
 */
import { debugPage } from "./debug-page.js";
import { acceptedRanges, preferredMediaType } from "../http/negotiation.js";
import { escapeHtml } from "./escape-html.js";
import { errorBody, errorStatus, type ErrorBody } from "./error-body.js";
import { HttpError, reasonPhrase } from "../http/errors.js";
import { jsonContentType, stringifyWith, type JsonOptions } from "../http/json-encoder.js";
import { PROBLEM_CONTENT_TYPE, toProblem, type ProblemDetails } from "./problem-details.js";
import type { Request } from "../core/request.js";
import { Response } from "../core/response.js";

export { errorBody, errorStatus, type ErrorBody } from "./error-body.js";
export { escapeHtml } from "./escape-html.js";

/** The body formats an error can be answered in. */
export type ErrorFormat = "html" | "json" | "text";

// The media types an error can be written as, in the order that breaks a
// tie: JSON, then HTML, then text.
const FORMATS: Record<string, ErrorFormat> = {
  "application/json": "json",
  "text/html": "html",
  "application/xhtml+xml": "html",
  "text/plain": "text",
};

/**
 * The format the client prefers for an error: the highest-`q` of JSON
 * (`application/json`, `*+json`), HTML (`text/html`, `application/xhtml+xml`)
 * and plain text (`text/plain`); on a tie JSON, then HTML. No `Accept`, or
 * only `*\/*` (curl), is plain text.
 */
export function errorFormat(request: Request): ErrorFormat {
  const accept = request.headers.get("accept");
  const named = acceptedRanges(accept).map((range) => range.toLowerCase());
  // Only what the client names counts: `*/*` alone (curl) is plain text.
  const jsonTypes = named.filter((type) => type.endsWith("+json"));
  if (!named.some((type) => Object.hasOwn(FORMATS, type)) && jsonTypes.length === 0) return "text";
  const choice = preferredMediaType(accept, [...jsonTypes, ...Object.keys(FORMATS)]);
  if (choice === undefined) return "text";
  return FORMATS[choice] ?? "json";
}

/**
 * Whether errors of this request are answered as JSON whatever it accepts:
 * the matched route is a JSON route (`{ jsonErrors: true }`), or, for a 404 or 405
 * raised before any route was chosen, a JSON route's pattern matches the
 * path. Only the error path pays for the second check.
 */
export function isJsonRoute(request: Request): boolean {
  if (request.route !== undefined) return request.settings.jsonErrors;
  const routes = request.app?.router.routes;
  if (routes === undefined) return false;
  for (const route of routes) {
    if (!route.settings.jsonErrors) continue;
    try {
      if (route.matchPath(request.rawPath) !== null) return true;
    } catch {
      // An undecodable parameter: not a match for this purpose.
    }
  }
  return false;
}


/** Options of {@link errorPage} and {@link renderError}. */
export interface ErrorPageOptions {
  /** The body format; by default JSON for JSON routes, else what the client accepts. */
  format?: ErrorFormat;
  /** How JSON bodies are written, over the app's `json` options (a JSON view's own). */
  json?: JsonOptions;
  /** Show the real message, `detail` and the stack of a hidden (5xx) error; the app's `debug` by default. */
  debug?: boolean;
  /** What a hidden error says outside debug mode; its reason phrase by default. */
  hidden?: string;
}

/**
 * The one error renderer: an error as a response in the client's format.
 * The built-in error page, JSON views, error views and problem details all
 * answer through it. The response has the error's status and headers
 * (`errorResponse`) and a body written from `errorBody`: HTML (the debug
 * page for a hidden error in debug mode), JSON (RFC 9457 problem details
 * when the route or app asks for them), or plain text. It never throws: a
 * header or an encoder that fails is left out.
 *
 * Outside debug mode, an HTML answer comes from the app's template folder
 * when it has `<status>.html` (Django's `404.html` rule), rendered with
 * `status`, `reason` and the safe `message` (a 5xx's reason phrase); that
 * answer is a promise. A template that fails is logged and the built-in
 * page answers instead.
 */
export function renderError(request: Request, error: unknown, options: ErrorPageOptions & { format: "json" | "text" }): Response;
export function renderError(request: Request, error: unknown, options?: ErrorPageOptions): Response | Promise<Response>;
export function renderError(request: Request, error: unknown, options: ErrorPageOptions = {}): Response | Promise<Response> {
  const settings = request.settings;
  const status = errorStatus(error);
  const format = options.format ?? (isJsonRoute(request) ? "json" : errorFormat(request));
  const response = errorResponse(error, status);
  response.headers.set("x-content-type-options", "nosniff");
  const debug = options.debug ?? settings.debug;
  const body = errorBody(error, debug, options.hidden);
  const template = format === "html" && !debug ? settings.templates?.errorTemplate(status) : undefined;
  if (template !== undefined) return templatePage(request, error, response, body, template);
  if (format === "json") {
    if (settings.problemDetails) {
      response.setBody(encodeErrorBody(toProblem(request, body, (error as { type?: unknown } | null)?.type), options.json, settings.json));
      response.headers.set("content-type", PROBLEM_CONTENT_TYPE);
    } else {
      response.setBody(encodeErrorBody(body, options.json, settings.json));
      response.headers.set("content-type", jsonContentType(options.json, settings.json));
    }
  } else if (format === "html") {
    writeHtml(request, error, response, body);
  } else {
    response.setBody(textPage(body));
    response.headers.set("content-type", "text/plain; charset=utf-8");
  }
  return response;
}

/**
 * The built-in error response (see {@link renderError}): 4xx messages
 * (raised on purpose, for the client) are shown in every mode; a 5xx says
 * only its reason phrase unless `debug` is on, when HTML clients get the
 * debug page and others the stack.
 *
 * @example
 * app.errorHandlers[404] = (request, response, error) =>
 *   request.path.startsWith("/old/") ? Response.redirect("/") : errorPage(request, error, app.debug);
 */
export function errorPage(request: Request, error: unknown, debug: boolean, options: ErrorPageOptions & { format: "json" | "text" }): Response;
export function errorPage(request: Request, error: unknown, debug: boolean, options?: ErrorPageOptions): Response | Promise<Response>;
export function errorPage(request: Request, error: unknown, debug: boolean, options: ErrorPageOptions = {}): Response | Promise<Response> {
  return renderError(request, error, { ...options, debug });
}

/**
 * A fresh, empty response for an error: its status, and the `HttpError`'s
 * headers (`Allow`, `Retry-After`, ...). A header that cannot be sent (CR or
 * LF in it) is left out: an error answer must never turn into a crash.
 */
export function errorResponse(error: unknown, status = errorStatus(error)): Response {
  const response = new Response(undefined, status);
  if (error instanceof HttpError) {
    for (const [name, value] of Object.entries(error.headers)) {
      try {
        response.headers.set(name, value);
      } catch {
        // Left out; see above.
      }
    }
  }
  return response;
}

/**
 * Encode an error body with the given JSON options (a view's, then the
 * app's, as `stringifyWith` takes them), falling back to `JSON.stringify`
 * if they fail.
 */
export function encodeErrorBody(body: ErrorBody | ProblemDetails, view?: JsonOptions, app?: JsonOptions): string {
  try {
    return stringifyWith(body, view, app);
  } catch {
    // `detail` may hold what the encoder refuses (a cycle): drop it rather than fail.
    if ("title" in body) return JSON.stringify({ type: body.type, title: body.title, status: body.status, instance: body.instance });
    return JSON.stringify({ error: body.error, message: body.message });
  }
}

function writeHtml(request: Request, error: unknown, response: Response, body: ErrorBody): void {
  // Error pages need no script; a CSP makes sure none runs even if escaping were ever missed.
  response.headers.set("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  response.setBody(body.stack !== undefined ? debugPage(request, error) : htmlPage(body));
  response.headers.set("content-type", "text/html; charset=utf-8");
}

// The app's own `<status>.html`. It is the app's page, with its own
// stylesheets, so the built-in page's CSP is not set. Only the status, the
// reason phrase and the message the built-in page would show reach it,
// never the error itself.
async function templatePage(request: Request, error: unknown, response: Response, body: ErrorBody, name: string): Promise<Response> {
  try {
    const context = { status: body.error, reason: reasonPhrase(body.error), message: body.message };
    const html = await request.settings.templates!.render(request, name, context);
    response.setBody(html);
    response.headers.set("content-type", "text/html; charset=utf-8");
  } catch (templateError) {
    request.app?.logError(request, templateError, `error template ${name} failed`);
    writeHtml(request, error, response, body);
  }
  return response;
}

function htmlPage(body: ErrorBody): string {
  const title = `${body.error} ${reasonPhrase(body.error)}`;
  const message = body.message === reasonPhrase(body.error) ? "" : `<p>${escapeHtml(body.message)}</p>`;
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>` +
    `<style>body{font:16px/1.5 system-ui,sans-serif;margin:4rem auto;max-width:40rem;padding:0 1rem;color:#222}` +
    `h1{font-size:1.6rem;margin:0 0 .5rem}p{color:#555}</style></head>` +
    `<body><h1>${escapeHtml(title)}</h1>${message}</body></html>\n`
  );
}

function textPage(body: ErrorBody): string {
  const title = `${body.error} ${reasonPhrase(body.error)}`;
  let text = `${title}\n`;
  if (body.message !== reasonPhrase(body.error)) text += `${body.message}\n`;
  if (body.stack !== undefined) text += `\n${body.stack}\n`;
  return text;
}
