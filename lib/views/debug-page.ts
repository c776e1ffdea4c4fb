/**
 * The debug page: what a 5xx looks like in debug mode. The error, its cause
 * chain, the stack with source lines around each frame of the user's code,
 * the request (secrets masked) and the matched route. Never shown outside
 * debug mode.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Request } from "../core/request.js";
import { escapeHtml } from "./escape-html.js";

/** Headers whose values never appear on the debug page: credentials and session cookies. */
export const MASKED_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "x-auth-token",
  "x-csrf-token",
]);

const MASK = "********";
/** How many lines of source are shown before and after a frame's line. */
const CONTEXT_LINES = 5;
/** Source is read for at most this many frames, and from files up to this size. */
const MAX_SOURCE_FRAMES = 12;
const MAX_SOURCE_BYTES = 2_000_000;
const MAX_CAUSES = 10;

/** One parsed line of a V8 stack trace. */
export interface StackFrame {
  /** The function (`Foo.bar`, `async handler`), if V8 named one. */
  fn: string | undefined;
  /** The file path (or `node:internal/...`), as V8 gave it with `file://` URLs turned into paths. */
  file: string;
  line: number;
  column: number;
  /** Whether this frame is the application's own code (not Node's, not under `node_modules`). */
  user: boolean;
}

// handlerkit's own files are framework frames even when it is not installed
// under node_modules (a checkout, a monorepo link).
// The whole of lib/ (this file is one folder down in it).
const OWN_DIR = dirname(dirname(fileURLToPath(import.meta.url))) + sep;

const FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;

/** Parse the frames of a V8 stack trace; lines that are not frames are skipped. */
export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const text of stack.split("\n")) {
    const m = FRAME.exec(text);
    if (m === null) continue;
    let file = m[2]!;
    if (file.startsWith("async ")) file = file.slice(6);
    if (file.startsWith("file://")) {
      try {
        file = fileURLToPath(file);
      } catch {
        // Leave a malformed URL as it is.
      }
    }
    const absolute = file.startsWith("/") || /^[A-Za-z]:\\/.test(file);
    const user = absolute && !file.startsWith(OWN_DIR) && !/[\\/]node_modules[\\/]/.test(file);
    frames.push({ fn: m[1], file, line: Number(m[3]), column: Number(m[4]), user });
  }
  return frames;
}

/**
 * The value of a header as the debug page shows it: credentials masked,
 * keeping only what identifies them (an `Authorization` scheme, cookie
 * names).
 */
export function maskHeader(name: string, value: string): string {
  const key = name.toLowerCase();
  if (!MASKED_HEADERS.has(key)) return value;
  if (key === "authorization" || key === "proxy-authorization") {
    const space = value.indexOf(" ");
    return space > 0 ? `${value.slice(0, space)} ${MASK}` : MASK;
  }
  if (key === "cookie") {
    return value
      .split(";")
      .map((pair) => {
        const eq = pair.indexOf("=");
        return eq === -1 ? MASK : `${pair.slice(0, eq).trim()}=${MASK}`;
      })
      .join("; ");
  }
  return MASK;
}

/** The errors of a cause chain, outermost first, stopping at a loop or after ten. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && chain.length < MAX_CAUSES && !chain.includes(current)) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

/** An error's stack followed by each cause's, as plain text (`Caused by: ...`). */
export function errorChain(error: unknown): string {
  return causeChain(error)
    .map((e, i) => (i === 0 ? "" : "Caused by: ") + (e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : describe(e)))
    .join("\n");
}

function describe(value: unknown): string {
  try {
    return typeof value === "string" ? value : `Non-error thrown: ${String(value)}`;
  } catch {
    return "Non-error thrown";
  }
}

// Files read for this page, so a recursive stack reads each once.
type SourceCache = Map<string, string[] | null>;

function sourceLines(file: string, cache: SourceCache): string[] | null {
  let lines = cache.get(file);
  if (lines === undefined) {
    lines = null;
    try {
      // Sync reads are fine here: only debug mode, only on a 5xx, a handful of files.
      if (statSync(file).size <= MAX_SOURCE_BYTES) lines = readFileSync(file, "utf8").split("\n");
    } catch {
      // Gone, unreadable, or not a file: the frame is shown without source.
    }
    cache.set(file, lines);
  }
  return lines;
}

function frameHtml(frame: StackFrame, withSource: boolean, cache: SourceCache): string {
  const where = `${escapeHtml(frame.file)}:${frame.line}:${frame.column}`;
  let html = `<li class="${frame.user ? "user" : "lib"}"><code>${escapeHtml(frame.fn ?? "(anonymous)")}</code> <span class="where">${where}</span>`;
  const lines = withSource ? sourceLines(frame.file, cache) : null;
  if (lines !== null && frame.line <= lines.length) {
    const from = Math.max(1, frame.line - CONTEXT_LINES);
    const to = Math.min(lines.length, frame.line + CONTEXT_LINES);
    html += `<pre class="source">`;
    for (let n = from; n <= to; n++) {
      const cls = n === frame.line ? ` class="here"` : "";
      html += `<span${cls}><b>${String(n).padStart(5)}</b> ${escapeHtml(lines[n - 1]!)}</span>`;
    }
    html += `</pre>`;
  }
  return `${html}</li>`;
}

function errorSection(error: unknown, index: number, cache: SourceCache, budget: { frames: number }): string {
  const heading = index === 0 ? "" : `<h3 class="caused">Caused by</h3>`;
  if (!(error instanceof Error)) return `${heading}<h2>${escapeHtml(describe(error))}</h2>`;
  let html = `${heading}<h2><span class="name">${escapeHtml(error.name)}</span>: ${escapeHtml(error.message)}</h2>`;
  const frames = parseStack(error.stack ?? "");
  if (frames.length === 0) return html;
  html += `<ol class="stack">`;
  for (const frame of frames) {
    const withSource = frame.user && budget.frames > 0;
    if (withSource) budget.frames--;
    html += frameHtml(frame, withSource, cache);
  }
  return `${html}</ol>`;
}

function table(rows: [string, string][]): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("")}</table>`;
}

function routeRows(request: Request): [string, string][] {
  const route = request.route;
  if (route === undefined) return [["route", "(none matched)"]];
  const handler = route.handler as { name?: unknown } | null;
  const rows: [string, string][] = [
    ["pattern", String(route.pattern)],
    ["handler", typeof handler?.name === "string" && handler.name !== "" ? handler.name : "(anonymous)"],
  ];
  if (route.name !== undefined) rows.push(["name", route.name]);
  if (route.methods !== undefined) rows.push(["methods", [...route.methods].join(", ")]);
  if (route.handlerMethod !== undefined) rows.push(["handler method", route.handlerMethod]);
  if (request.routeArgs.length > 0) rows.push(["arguments", JSON.stringify(request.routeArgs)]);
  if (Object.keys(request.routeKwargs).length > 0) rows.push(["parameters", JSON.stringify(request.routeKwargs)]);
  return rows;
}

function safeUrl(request: Request): string {
  try {
    return request.url;
  } catch {
    return request.rawPath;
  }
}

const STYLE =
  "body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}" +
  "header{background:#8b1a1a;color:#fff;padding:1.2rem 2rem}header h1{margin:0;font-size:1.5rem}" +
  "header p{margin:.3rem 0 0;opacity:.85}main{padding:1rem 2rem}h2{font-size:1.15rem;margin:1.2rem 0 .5rem}" +
  "h2 .name{color:#8b1a1a}h3.caused{margin:1.5rem 0 0;color:#666;font-size:.9rem;text-transform:uppercase}" +
  "ol.stack{padding-left:1.5rem}ol.stack li{margin:.35rem 0}li.lib{color:#777}.where{color:#555;font-size:.85rem}" +
  "pre.source{background:#fff;border:1px solid #ddd;padding:.4rem 0;margin:.3rem 0;overflow:auto;font-size:12px}" +
  "pre.source span{display:block;min-height:1.35em;padding:0 .6rem}pre.source .here{background:#fde2e2}pre.source b{color:#999;font-weight:normal}" +
  "table{border-collapse:collapse;margin:.3rem 0 1rem}th,td{text-align:left;vertical-align:top;padding:.2rem .8rem .2rem 0;font-size:13px}" +
  "th{color:#555;font-weight:600;white-space:nowrap}td{font-family:ui-monospace,monospace;word-break:break-all}" +
  "footer{padding:1rem 2rem;color:#777;font-size:.85rem}";

/**
 * The debug page for an error, as HTML. Everything taken from the request
 * or the error is escaped, and credentials in headers are masked (see
 * {@link MASKED_HEADERS}). Source is shown for the application's frames
 * only (not Node's, not `node_modules`), up to twelve.
 *
 * @example
 * // What errorPage() answers a browser for a 500 when `debug: true`:
 * new Response(debugPage(request, error), 500, { "content-type": "text/html; charset=utf-8" });
 */
export function debugPage(request: Request, error: unknown): string {
  const cache: SourceCache = new Map();
  const budget = { frames: MAX_SOURCE_FRAMES };
  const chain = causeChain(error);
  const first = chain[0];
  const title = first instanceof Error ? `${first.name}: ${first.message}` : describe(first);
  const headers: [string, string][] = [];
  for (const [name, value] of request.headers.entries()) headers.push([name, maskHeader(name, value)]);
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>` +
    `<header><h1>${escapeHtml(title)}</h1><p>${escapeHtml(request.method)} ${escapeHtml(safeUrl(request))}</p></header><main>` +
    chain.map((e, i) => errorSection(e, i, cache, budget)).join("") +
    `<h2>Request</h2>` +
    table([["method", request.method], ["url", safeUrl(request)]]) +
    `<h2>Headers</h2>${table(headers)}` +
    `<h2>Route</h2>${table(routeRows(request))}` +
    `</main><footer>You see this page because the application runs with <code>debug: true</code>. ` +
    `Never turn debug mode on in production: this page shows your code.</footer></body></html>\n`
  );
}
