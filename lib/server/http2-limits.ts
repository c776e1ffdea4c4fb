/**
 * The limits HTTP/1 connections get from Node's parser and timers, applied
 * to HTTP/2 streams and sessions, which Node leaves open for as long as the
 * client keeps them busy (a body trickled a byte at a time, a zero flow
 * control window, PINGs on a session with no request).
 */
import { constants, type Http2SecureServer, type Http2ServerRequest, type Http2ServerResponse, type Http2Session, type ServerHttp2Stream } from "node:http2";
import type { IncomingMessage } from "node:http";

/** The settings {@link Http2Limits} applies (the server's, resolved; `0` turns one off). */
export interface Http2LimitSettings {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  sendTimeout: number;
}

// A request still arriving, and when it began.
interface Upload {
  stream: ServerHttp2Stream;
  res: Http2ServerResponse;
  start: number;
}

// A response being sent: how many times its stream drained, and since when it has not.
interface Send {
  stream: ServerHttp2Stream;
  drains: number;
  seen: number;
  since: number;
}

// An open session: how many streams it has open, and since when it has had none.
interface Activity {
  open: number;
  used: boolean;
  idleSince: number;
}

const TIMEOUT_BODY = "408 Request Timeout: The request was not received in time.\n";

/**
 * Per-stream and per-session deadlines of an HTTP/2 server:
 *
 * - `requestTimeout` per stream: a request whose body is not all in after
 *   it is answered 408 (or, when its response has begun, reset with
 *   `CANCEL`) and its stream closed, as HTTP/1.1 answers 408;
 * - `sendTimeout` per stream: a response with bytes waiting and none sent
 *   (the client's flow-control window stays shut) for that long is reset
 *   with `CANCEL`, which closes its file or stream. Progress is a write
 *   that drained (responses are written in 64 KiB pieces); Node's own
 *   stream timeout counts any frame the session sends, so a client's PINGs
 *   would keep a stalled stream for ever;
 * - a session with no open stream is closed (GOAWAY) after
 *   `keepAliveTimeout`, or `headersTimeout` when it has never opened one:
 *   PINGs and SETTINGS do not keep it, only requests do.
 *
 * All are swept, at the server's `connectionsCheckingInterval`.
 *
 * @example
 * const limits = new Http2Limits(settings);
 * limits.attach(server);
 * server.on("request", (req, res) => { limits.track(req, res); app.handle(req, res); });
 */
export class Http2Limits {
  readonly #settings: Http2LimitSettings;
  readonly #uploads = new Set<Upload>();
  readonly #sends = new Set<Send>();
  readonly #sessions = new Map<Http2Session, Activity>();

  constructor(settings: Http2LimitSettings) {
    this.#settings = settings;
  }

  /** Follow the sessions of `server`: their open streams, and how long they have had none. */
  attach(server: Http2SecureServer): void {
    server.on("session", (session: Http2Session) => {
      const activity: Activity = { open: 0, used: false, idleSince: Date.now() };
      this.#sessions.set(session, activity);
      session.once("close", () => this.#sessions.delete(session));
      session.on("stream", (stream: ServerHttp2Stream) => {
        activity.open++;
        activity.used = true;
        stream.once("close", () => {
          if (--activity.open === 0) activity.idleSince = Date.now();
        });
      });
    });
  }

  /** Start the deadlines of one HTTP/2 request (called before the application sees it). */
  track(req: Http2ServerRequest, res: Http2ServerResponse): void {
    const stream = req.stream;
    const { requestTimeout, sendTimeout } = this.#settings;
    if (requestTimeout > 0 && !stream.endAfterHeaders) {
      const upload: Upload = { stream, res, start: Date.now() };
      this.#uploads.add(upload);
      stream.once("close", () => this.#uploads.delete(upload));
    }
    if (sendTimeout > 0) {
      const send: Send = { stream, drains: 0, seen: 0, since: Date.now() };
      this.#sends.add(send);
      stream.on("drain", () => send.drains++);
      stream.once("close", () => this.#sends.delete(send));
    }
  }

  /** Apply the deadlines that have passed at `now`. */
  sweep(now: number): void {
    const { requestTimeout, headersTimeout, keepAliveTimeout, sendTimeout } = this.#settings;
    // Uploads are in the order they began, and all have the same deadline.
    for (const upload of this.#uploads) {
      if (now - upload.start < requestTimeout) break;
      this.#uploads.delete(upload);
      if (!received(upload.stream)) expire(upload);
    }
    for (const send of this.#sends) {
      // Nothing waiting is an idle response (an event stream between events), not a stall.
      if (send.stream.writableLength === 0 || send.drains !== send.seen) {
        send.seen = send.drains;
        send.since = now;
      } else if (now - send.since >= sendTimeout) {
        send.stream.close(constants.NGHTTP2_CANCEL);
      }
    }
    for (const [session, activity] of this.#sessions) {
      if (activity.open > 0 || session.destroyed) continue;
      const limit = activity.used ? keepAliveTimeout : headersTimeout;
      if (limit <= 0 || now - activity.idleSince < limit) continue;
      // A session that was told to go and is still there is cut.
      if (session.closed) session.destroy();
      else session.close();
    }
  }
}

/**
 * After an HTTP/2 response has been handed over whole: if the client is
 * still sending the request body (the answer was a 413, or did not need
 * it), reset the stream with `NO_ERROR` once the response is out (RFC 9113
 * §8.1), so the client stops and no more flow-control window is granted.
 * Does nothing for HTTP/1 requests.
 */
export function endHttp2Upload(req: IncomingMessage | Http2ServerRequest): void {
  const stream = (req as Http2ServerRequest).stream as ServerHttp2Stream | undefined;
  if (stream === undefined || stream.closed || stream.destroyed || received(stream)) return;
  // With NO_ERROR and the response ending, Node sends the RST_STREAM after the last DATA frame.
  stream.close(constants.NGHTTP2_NO_ERROR);
}

// Whether the client has sent all of its request (END_STREAM).
function received(stream: ServerHttp2Stream): boolean {
  return stream.endAfterHeaders || stream.closed || stream.destroyed || stream.state.remoteClose === 1;
}

function expire({ stream, res }: Upload): void {
  if (stream.closed || stream.destroyed) return;
  if (res.headersSent) {
    stream.close(constants.NGHTTP2_CANCEL);
    return;
  }
  res.writeHead(408, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(TIMEOUT_BODY) });
  res.end(TIMEOUT_BODY);
  stream.close(constants.NGHTTP2_NO_ERROR);
}
