/**
 * The access log: one line per request, written through the application's
 * logger when the request is over. Off by default; when off it costs one
 * field test per request.
 */
import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { Logger } from "../core/logger.js";
import type { Request } from "../core/request.js";
import type { Response } from "../core/response.js";

/** One request as the access log records it. */
export interface AccessRecord {
  /** When the request arrived, ISO 8601. */
  time: string;
  /** The request id (`request.id`). */
  id: string;
  method: string;
  /** The raw path, without the query string (which may carry secrets). */
  path: string;
  /** The status sent; 0 when the connection was lost before a response. */
  status: number;
  /** Body bytes sent. */
  bytes: number;
  /** Milliseconds from the request's arrival until the response was finished (or the connection lost). */
  duration: number;
}

/**
 * The `accessLog` option: `true` or `"text"` logs a line such as
 * `GET /users/7 200 42 1.3ms 5b1c...` with `logger.info`; `"json"` logs the
 * {@link AccessRecord} as one JSON string; a function receives the record
 * itself, for structured loggers (pino, winston) that want an object.
 *
 * @example
 * new Application(routes, { accessLog: true });
 * new Application(routes, { accessLog: "json" });
 * new Application(routes, { accessLog: (record) => pino.info(record, "request") });
 */
export type AccessLogOption = boolean | "text" | "json" | ((record: AccessRecord) => void);

/** One request being logged: what `logAccess` watches. */
export interface AccessEntry {
  request: Request;
  /** The response about to be written. */
  response: Response;
  /** The `node:http` (or HTTP/2 compatibility) response it is written to. */
  res: ServerResponse;
  /** `performance.now()` when the request arrived. */
  start: number;
}

/**
 * Log one request when its response is over (sent, or the connection
 * lost). Called by the application, just before the response is written,
 * only when the access log is on; the logger is read when the line is
 * written, so `app.logger` may be replaced at any time.
 */
export function logAccess(option: Exclude<AccessLogOption, false>, owner: { logger: Logger }, entry: AccessEntry): void {
  const { request, response, res } = entry;
  const time = new Date(Date.now() - (performance.now() - entry.start)).toISOString();
  let bytes = request.method === "HEAD" ? 0 : Number(response.headers.get("content-length") ?? 0);
  // A streamed body has no length up front: count it as it is piped.
  if (bytes === 0 && request.method !== "HEAD") {
    res.once("pipe", (source: Readable) => {
      source.on("data", (chunk: string | Uint8Array) => {
        bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
      });
    });
  }
  res.once("close", () => {
    const record: AccessRecord = {
      time,
      id: request.id,
      method: request.method,
      path: request.rawPath,
      status: res.headersSent ? res.statusCode : 0,
      bytes,
      duration: Math.round((performance.now() - entry.start) * 100) / 100,
    };
    write(option, owner.logger, record);
  });
}

function write(option: Exclude<AccessLogOption, false>, logger: Logger, record: AccessRecord): void {
  try {
    if (typeof option === "function") option(record);
    else if (option === "json") logger.info?.(JSON.stringify(record));
    else logger.info?.(formatAccess(record));
  } catch {
    // A broken logger must not take the server down with it.
  }
}

/**
 * The text form of a record: method, path, status, bytes, duration and id.
 *
 * @example
 * formatAccess(record); // "GET /users/7 200 42 1.3ms 5b1c6f0e-..."
 */
export function formatAccess(record: AccessRecord): string {
  return `${record.method} ${record.path} ${record.status} ${record.bytes} ${record.duration}ms ${record.id}`;
}
