/**
 * Compression: `br`, `gzip` or `deflate` through `node:zlib`, chosen by the
 * client's `Accept-Encoding`, in the manner of the `compression` package and
 * `@fastify/compress`.
 */
import { pipeline, type Transform } from "node:stream";
import { promisify } from "node:util";
import * as zlib from "node:zlib";
import type { BrotliOptions, ZlibOptions } from "node:zlib";
import compressible from "compressible";
import type { Middleware } from "../core/middleware.js";
import type { Request } from "../core/request.js";
import { FileResponse, Response } from "../core/response.js";
import { reasonPhrase } from "../http/errors.js";
import { acceptsEncoding } from "../http/negotiation.js";
import { vary } from "./vary.js";

/** A content coding `compress()` can apply. */
export type Encoding = "br" | "gzip" | "deflate";

/** Options of {@link compress}. */
export interface CompressOptions {
  /** Bodies smaller than this many bytes are sent as they are (1024). A stream of unknown length is always compressed. */
  threshold?: number;
  /** The codings offered, the server's preference first on a tie of the client's quality: `["br", "gzip", "deflate"]`. */
  encodings?: readonly Encoding[];
  /** Brotli options (`node:zlib`); by default quality 4, fast enough to run on every response. */
  brotli?: BrotliOptions;
  /** gzip and deflate options (`node:zlib`); by default zlib's level 6. */
  zlib?: ZlibOptions;
  /**
   * Whether a response is worth compressing, given its media type (without
   * parameters). By default the `compressible` package's answer (the
   * `mime-db` table: text, JSON, XML, JavaScript, SVG, ... but not images,
   * archives or video).
   */
  filter?: (contentType: string, response: Response) => boolean;
}

const ALL: readonly Encoding[] = ["br", "gzip", "deflate"];
const EVENT_STREAM = "text/event-stream";

const compressBuffer = {
  br: promisify(zlib.brotliCompress),
  gzip: promisify(zlib.gzip),
  deflate: promisify(zlib.deflate),
};

/**
 * Compression middleware. After the rest of the pipeline has answered, a
 * response is compressed when all of these hold: the request is not HEAD;
 * the status is not 1xx, 204, 206 or 304 (a `Response.file()` has answered
 * its preconditions and range first); it has no `Content-Encoding` yet, no
 * `Content-Range` and no `Cache-Control: no-transform`; its media type is
 * compressible (see `filter`); its body is at least `threshold` bytes (or a
 * stream of unknown length); and the client accepts one of `encodings`
 * (q-values, `*` and `identity;q=0` honoured; no `Accept-Encoding` means
 * none). Every compressible response gets `Vary: Accept-Encoding`, so
 * caches keep the variants apart.
 *
 * A compressed response loses `Content-Length` (the final length is set
 * again for a buffered body; a stream is sent chunked) and `Accept-Ranges`,
 * and its `ETag` becomes weak (`W/"..."`): its bytes are not those of the
 * identity body. A buffered body is compressed on the thread pool, a stream
 * as it flows, never buffered whole; a `text/event-stream` is flushed after
 * each event, so events are not held back.
 *
 * @example
 * app.use(compress());
 * app.use(compress({ threshold: 2048, encodings: ["gzip"] }));
 */
export function compress(options: CompressOptions = {}): Middleware {
  const threshold = options.threshold ?? 1024;
  if (!Number.isFinite(threshold) || threshold < 0) throw new TypeError(`compress(): threshold is a number of bytes, not ${threshold}.`);
  const encodings = [...(options.encodings ?? ALL)];
  for (const encoding of encodings) {
    if (!ALL.includes(encoding)) throw new TypeError(`compress(): ${JSON.stringify(encoding)} is not one of br, gzip, deflate.`);
  }
  const offers = [...encodings, "identity"];
  const filter = options.filter ?? ((type: string) => compressible(type) === true);
  const brotli: BrotliOptions = { ...options.brotli, params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4, ...options.brotli?.params } };
  const zlibOptions: ZlibOptions = { ...options.zlib };

  return async function compressMiddleware(request, next) {
    const response = await next();
    if (!worthCompressing(request, response, filter)) return response;
    vary(response.headers, "Accept-Encoding");
    if (request.method === "HEAD" || noTransform(response.headers.get("cache-control"))) return response;
    const length = response.contentLength;
    if (length !== undefined && length < threshold) return response;
    const encoding = acceptsEncoding(request.headers.get("accept-encoding"), offers, encodings) as Encoding | "identity" | false;
    if (encoding === false || encoding === "identity") return response;
    if (!response.isStreaming) {
      const body = response.body;
      const compressed = await compressBuffer[encoding](body, encoding === "br" ? withSizeHint(brotli, body.byteLength) : zlibOptions);
      return encoded(response, compressed, encoding);
    }
    const eventStream = response.contentType === EVENT_STREAM;
    const coder = makeCoder(encoding, brotli, zlibOptions, eventStream);
    // pipeline passes a client's disconnect back to the source (a file is
    // closed, an SSE generator returns) and a source's failure on to the
    // client (the connection is cut).
    pipeline(response.toReadable()!, coder, ignoreStreamError);
    return encoded(response, coder, encoding);
  };
}

// The checks that do not depend on the request's Accept-Encoding; a
// response that passes them varies on it.
function worthCompressing(request: Request, response: Response, filter: (type: string, response: Response) => boolean): boolean {
  // A file answers its preconditions and range first: 304, 206 and 416 stay as they are.
  if (response instanceof FileResponse) response.evaluate(request);
  const status = response.status;
  if (status < 200 || status === 204 || status === 206 || status === 304) return false;
  const headers = response.headers;
  const coding = headers.get("content-encoding");
  if (coding !== undefined && coding.trim().toLowerCase() !== "identity") return false;
  if (headers.has("content-range")) return false;
  return filter(response.contentType, response);
}

function noTransform(cacheControl: string | undefined): boolean {
  if (cacheControl === undefined) return false;
  for (const directive of cacheControl.split(",")) if (directive.trim().toLowerCase() === "no-transform") return true;
  return false;
}

function withSizeHint(options: BrotliOptions, size: number): BrotliOptions {
  return { ...options, params: { [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size, ...options.params } };
}

// A compressing stream; for Server-Sent Events, one that flushes after
// every write, so each event reaches the client when it is sent.
function makeCoder(encoding: Encoding, brotli: BrotliOptions, options: ZlibOptions, flushEach: boolean): Transform {
  if (encoding === "br") {
    return zlib.createBrotliCompress(flushEach ? { ...brotli, flush: zlib.constants.BROTLI_OPERATION_FLUSH } : brotli);
  }
  const opts = flushEach ? { ...options, flush: zlib.constants.Z_SYNC_FLUSH } : options;
  return encoding === "gzip" ? zlib.createGzip(opts) : zlib.createDeflate(opts);
}

// The compressed response: the same status, message and headers, with the
// body's media type made explicit, a weak ETag, and no length or ranges.
function encoded(original: Response, body: Uint8Array | Transform, encoding: Encoding): Response {
  const headers = original.headers;
  if (!headers.has("content-type")) {
    const charset = original.charset;
    headers.set("content-type", charset === undefined ? original.contentType : `${original.contentType}; charset=${charset}`);
  }
  headers.set("content-encoding", encoding);
  headers.delete("content-length");
  headers.delete("accept-ranges");
  const etag = headers.get("etag");
  if (etag !== undefined && etag.startsWith('"')) headers.set("etag", `W/${etag}`);
  const response = new Response(body, original.status, headers);
  if (original.statusMessage !== reasonPhrase(original.status)) response.statusMessage = original.statusMessage;
  return response;
}

// A failed stream has already cut the response (see Response.writeTo).
function ignoreStreamError(): void {}
