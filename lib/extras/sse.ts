/**
 * Server-Sent Events: an async iterable of events streamed as
 * `text/event-stream`, with heartbeats, stopping when the client goes away.
 */
import { Readable } from "node:stream";
import { Response } from "../core/response.js";

/** One event. `data` that is not a string is sent as JSON. */
export interface ServerSentEvent {
  data?: unknown;
  event?: string;
  id?: string | number;
  /** The reconnection delay the client should use, in milliseconds. */
  retry?: number;
  /** A comment line (ignored by clients; keeps proxies from timing out). */
  comment?: string;
}

/** Options of {@link sse}. */
export interface SseOptions {
  /** Milliseconds between heartbeat comments (`: ping`); 0 turns them off. Default 15 s. */
  heartbeat?: number;
  /** Stops the stream (and the source iterator) when it aborts, e.g. `request.signal`. */
  signal?: AbortSignal;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

// Linear: each alternative is one or two fixed characters.
const LINE_BREAK = /\r\n|\r|\n/;

/** Format one event in the `text/event-stream` wire format, ending with a blank line. */
export function formatEvent(event: ServerSentEvent | string): string {
  if (typeof event === "string") event = { data: event };
  let out = "";
  if (event.comment !== undefined) for (const line of event.comment.split(LINE_BREAK)) out += `: ${line}\n`;
  if (event.id !== undefined) out += `id: ${oneLine("id", String(event.id))}\n`;
  if (event.event !== undefined) out += `event: ${oneLine("event", event.event)}\n`;
  if (event.retry !== undefined) out += `retry: ${Math.max(0, Math.floor(event.retry))}\n`;
  if (event.data !== undefined) {
    const data = typeof event.data === "string" ? event.data : JSON.stringify(event.data);
    for (const line of data.split(LINE_BREAK)) out += `data: ${line}\n`;
  }
  return `${out}\n`;
}

// A line break in `id` or `event` would start a new field: refuse it.
function oneLine(field: string, value: string): string {
  if (LINE_BREAK.test(value) || value.includes("\0")) throw new TypeError(`An SSE ${field} cannot contain line breaks or NUL.`);
  return value;
}

/**
 * A `text/event-stream` response fed by `source`: each item is an event
 * (a string is its data). Heartbeat comments keep idle connections alive;
 * when the client disconnects or `signal` aborts, the source iterator is
 * closed (its `finally` blocks run) and the heartbeat stops.
 *
 * @example
 * app.route("/clock")((request) =>
 *   sse((async function* () {
 *     for (let i = 0; !request.signal.aborted; i++) {
 *       yield { id: i, event: "tick", data: { now: Date.now() } };
 *       await setTimeout(1000);
 *     }
 *   })(), { signal: request.signal }),
 * );
 */
export function sse(source: AsyncIterable<ServerSentEvent | string> | Iterable<ServerSentEvent | string>, options: SseOptions = {}): Response {
  const iterator =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<ServerSentEvent | string>)[Symbol.asyncIterator]()
      : (source as Iterable<ServerSentEvent | string>)[Symbol.iterator]();
  let pumping = false;
  let finished = false;
  const stream = new Readable({
    read() {
      if (pumping || finished) return;
      pumping = true;
      Promise.resolve(iterator.next()).then(
        (step) => {
          pumping = false;
          if (finished) return;
          if (step.done) {
            finished = true;
            stream.push(null);
          } else {
            stream.push(formatEvent(step.value));
          }
        },
        (error: unknown) => stream.destroy(error as Error),
      );
    },
  });
  const heartbeat = options.heartbeat ?? 15_000;
  const timer = heartbeat > 0 ? setInterval(() => stream.push(": ping\n\n"), heartbeat) : undefined;
  timer?.unref();
  const stop = () => {
    if (timer) clearInterval(timer);
    if (!finished) {
      finished = true;
      void Promise.resolve(iterator.return?.()).catch(() => {});
    }
    if (!stream.destroyed) stream.destroy();
  };
  stream.once("close", stop);
  if (options.signal) {
    if (options.signal.aborted) queueMicrotask(stop);
    else options.signal.addEventListener("abort", stop, { once: true });
  }
  return new Response(stream, 200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
    ...options.headers,
  });
}
