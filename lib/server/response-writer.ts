/**
 * The last step of a request: a prepared `Response` written to a
 * `node:http` response.
 */
import type { ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import type { Response } from "../core/response.js";

/**
 * Write a prepared response (see `Response.prepare`) to the socket. A
 * buffered body goes out in one `end()`; a streamed one is piped, and if the
 * stream fails after the head was sent the connection is destroyed (the
 * client sees a cut response, never a second head). A response the handler
 * already answered on the raw socket is left alone.
 */
export function writeResponse(response: Response, res: ServerResponse): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const message = response.statusMessage;
  res.writeHead(response.status, message, response.headers.toObject());
  const stream = response.toReadable();
  if (stream === undefined) {
    res.end(response.payload);
  } else {
    // pipeline destroys both sides on error or client disconnect, so no file
    // handle or generator is left open.
    pipeline(stream, res, ignoreStreamError);
  }
}

// A failed stream has already cut the connection; there is nobody left to
// answer, and the error must not reach Node as an unhandled `error` event.
function ignoreStreamError(): void {}

/**
 * Cut a response that cannot be answered properly any more (an error after
 * the head was sent): end the connection rather than write a second head.
 */
export function abandonResponse(res: ServerResponse): void {
  if (!res.destroyed) res.destroy();
}
