/**
 * The built-in error page: an `HttpError` (or any thrown value) as HTML,
 * JSON or plain text, following what the client accepts.
 */
import { HttpError, reasonPhrase } from "./errors.js";
import type { Request } from "./request.js";
import { Response } from "./response.js";

/** The body formats an error can be answered in. */
export type ErrorFormat = "html" | "json" | "text";

/**
 * The format the client prefers for an error: JSON when `Accept` names a
 * JSON type at least as high as HTML, HTML when it names `text/html`,
 * plain text otherwise (curl's `*\/*` included).
 */
export function errorFormat(request: Request): ErrorFormat {
  const accept = request.headers.get("accept");
  if (!accept) return "text";
  let html = 0;
  let json = 0;
  for (const part of accept.split(",")) {
    const [type = "", ...params] = part.split(";");
    const media = type.trim().toLowerCase();
    let q = 1;
    for (const param of params) {
      const [k, v] = param.split("=");
      if (k?.trim() === "q") q = Number(v) || 0;
    }
    if (media === "text/html" || media === "application/xhtml+xml") html = Math.max(html, q);
    else if (media === "application/json" || media.endsWith("+json")) json = Math.max(json, q);
  }
  if (json > 0 && json >= html) return "json";
  if (html > 0) return "html";
  return "text";
}

/** Escape text for HTML, so nothing from the request or an error message runs as markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The built-in error response. The message of an `HttpError` below 500 is
 * shown (it was raised on purpose, for the client); a 5xx says only its
 * reason phrase unless `debug` is on, when the stack is shown too.
 */
export function errorPage(request: Request, error: unknown, debug: boolean, format = errorFormat(request)): Response {
  const status = error instanceof HttpError ? error.status : 500;
  const title = `${status} ${reasonPhrase(status)}`;
  const exposed = error instanceof HttpError && (error.expose || debug);
  const message = exposed ? (error as Error).message : reasonPhrase(status);
  const stack = debug && error instanceof Error && !(error instanceof HttpError && error.expose) ? error.stack : undefined;
  const response = new Response(undefined, status);
  if (error instanceof HttpError) for (const [name, value] of Object.entries(error.headers)) response.headers.set(name, value);
  response.headers.set("x-content-type-options", "nosniff");
  if (format === "json") {
    const body: Record<string, unknown> = { error: status, message };
    if (error instanceof HttpError && error.detail !== undefined) body.detail = error.detail;
    if (stack !== undefined) body.stack = stack;
    response.setJson(body);
  } else if (format === "html") {
    response.setBody(
      `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
        `<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>` +
        (stack ? `<pre>${escapeHtml(stack)}</pre>` : "") +
        `</body></html>\n`,
    );
  } else {
    response.setBody(`${title}\n${message === reasonPhrase(status) ? "" : `${message}\n`}${stack ? `\n${stack}\n` : ""}`);
    response.headers.set("content-type", "text/plain; charset=utf-8");
  }
  return response;
}
