/**
 * What RFC 9112 and RFC 9113 refuse that Node's parsers let through, seen
 * where the framework gets the request, before the application does.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { reasonPhrase } from "../http/errors.js";

/**
 * The short plain-text body of an answer the server gives by itself
 * (a malformed request, a timeout): `400 Bad Request: why`.
 */
export function plainErrorBody(status: number, why: string): string {
  return `${status} ${reasonPhrase(status)}: ${why}\n`;
}

/**
 * Why a request that reached the listener must not be served, as a status
 * and a message, or `undefined` for nearly every request:
 *
 * - a request line of `HTTP/2.0` on an HTTP/1 connection (llhttp takes it,
 *   and Node would serve it as 1.x): 505 (RFC 9112 §2.3);
 * - an HTTP/1.0 request with `Transfer-Encoding`: its framing is faulty
 *   (RFC 9112 §6.1), 400;
 * - over HTTP/2, a `:path` with a byte outside visible ASCII (raw UTF-8, a
 *   space, a control character): 400, as llhttp answers the same target
 *   over HTTP/1.1.
 *
 * @example
 * const refused = refusedRequest(req);
 * if (refused !== undefined) return answerRefused(req, res, ...refused);
 */
export function refusedRequest(req: IncomingMessage): [status: number, why: string] | undefined {
  const major = req.httpVersionMajor;
  if (major === 1 && req.httpVersionMinor === 1) return undefined;
  if (major === 2) {
    if ((req as { stream?: unknown }).stream === undefined) return [505, "HTTP/2 is spoken only over a connection that starts as HTTP/2, not in an HTTP/1 request line."];
    return visibleAscii(req.url ?? "") ? undefined : [400, "The :path holds characters that must be percent-encoded."];
  }
  if (major === 1 && req.httpVersionMinor === 0 && req.headers["transfer-encoding"] !== undefined) {
    return [400, "HTTP/1.0 has no Transfer-Encoding: send a Content-Length, or HTTP/1.1."];
  }
  return undefined;
}

/**
 * Answer a refused request with a plain-text error and, over HTTP/1, close
 * the connection: nothing after a request with broken framing can be read
 * in step.
 */
export function answerRefused(req: IncomingMessage, res: ServerResponse, status: number, why: string): void {
  const body = plainErrorBody(status, why);
  const headers: Record<string, string | number> = { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) };
  if (req.httpVersionMajor === 1) headers.connection = "close";
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * Whether the connection must close after answering `req`, because Node
 * will read nothing more on it: a request asking to `Upgrade` that is
 * answered as HTTP/1.1 (llhttp stops parsing after it, so a request
 * pipelined behind would be dropped without a word).
 */
export function endsConnection(req: IncomingMessage): boolean {
  return req.headers.upgrade !== undefined && (req.headers.connection ?? "").toLowerCase().includes("upgrade");
}

// Visible ASCII only (what llhttp's strict mode allows in a target), by a scan.
function visibleAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}
