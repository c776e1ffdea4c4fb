/**
 * Request ids: the one a trusted proxy sent, or a fresh one.
 */
import { randomUUID } from "node:crypto";
import type { HeaderMap } from "../http/header-map.js";

// What an upstream id may look like: short, and nothing that could break a
// log line or a header (no spaces, quotes, control characters).
// Bounded: anchored, at most 128 characters read.
const VALID_ID = /^[\w.:@=+/-]{1,128}$/;

/**
 * The id of a request with these headers: its `X-Request-Id` when the
 * application trusts its proxy (`trustProxy`) and the value is a plausible id (1 to 128
 * letters, digits and `_ . : @ = + / -`), a random UUID otherwise. Read it
 * as `request.id`, which calls this once, on first use.
 *
 * @example
 * app.route("/whoami")((request) => ({ id: request.id }));
 */
export function requestId(headers: HeaderMap, trustProxy: boolean): string {
  if (trustProxy) {
    const upstream = headers.get("x-request-id");
    if (upstream !== undefined && VALID_ID.test(upstream)) return upstream;
  }
  return randomUUID();
}
