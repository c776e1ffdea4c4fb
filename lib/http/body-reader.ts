/**
 * Reading a request body from a socket under a byte limit.
 */
import type { Readable } from "node:stream";
import { BadRequest, PayloadTooLarge, UnsupportedMediaType } from "./errors.js";

/** The default body limit: 1 MB, as the application option `bodyLimit` documents. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Read a whole stream into one `Buffer`, refusing more than `limit` bytes.
 *
 * A declared `Content-Length` over the limit is refused before any byte is
 * read. Without one (chunked), the count is kept as bytes arrive, and the
 * read stops at the first chunk past the limit: the rest is drained and
 * dropped, never buffered. Both raise `PayloadTooLarge` (413). A client that
 * goes away mid-body raises `BadRequest` (400) and nothing is kept.
 */
export function readBody(stream: Readable, limit: number, declaredLength?: number): Promise<Buffer> {
  if (declaredLength !== undefined && declaredLength > limit) {
    stream.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.off("aborted", onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        // Drain what is left so the socket is not stuck; the response will
        // close the connection.
        stream.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    // perf(bench: json-post): an ended stream sends no more data, so its
    // listeners are left to the collector rather than taken off one by one.
    const onEnd = () => {
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new BadRequest("The request body could not be read.", { cause: error }));
    };
    const onAborted = () => onError(new Error("client aborted"));
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
    stream.on("aborted", onAborted);
  });
}

// Requests whose client waits for `100 Continue` before it sends the body.
const AWAITING_CONTINUE = new WeakSet<object>();

/**
 * Mark `req` as sent with `Expect: 100-continue` and not yet told to go on.
 * The hardened server calls it (its `checkContinue` listener), so that the
 * `100 Continue` goes out only when the body is read ({@link sendContinue}):
 * a body the handler never reads, or one refused by its declared length,
 * is never asked for.
 */
export function expectContinue(req: object): void {
  AWAITING_CONTINUE.add(req);
}

/** Whether `req`'s client still waits for `100 Continue` (its body was never asked for). */
export function awaitsContinue(req: object): boolean {
  return AWAITING_CONTINUE.has(req);
}

/** Send the `100 Continue` that `req`'s client waits for, once; called just before the body is read. */
export function sendContinue(req: object, res: { writeContinue(): void } | undefined): void {
  if (res !== undefined && AWAITING_CONTINUE.delete(req)) res.writeContinue();
}

function tooLarge(limit: number) {
  return new PayloadTooLarge(`The request body is larger than the limit of ${limit} bytes.`, {
    headers: { connection: "close" },
  });
}

/**
 * Decode body bytes in `charset` (a `Content-Type` parameter; UTF-8 when
 * absent). A charset the platform does not know is `UnsupportedMediaType`
 * (415).
 */
export function decodeText(bytes: Buffer, charset: string | undefined): string {
  // perf: the common case skips TextDecoder (benchmarks/parse.ts).
  if (charset === undefined || charset === "utf-8" || charset === "utf8") return bytes.toString("utf8");
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    throw new UnsupportedMediaType(`The body's charset "${charset}" is not supported.`);
  }
  return decoder.decode(bytes);
}
