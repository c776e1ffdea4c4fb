/**
 * The send timeout of HTTP/1 connections: a client that stops reading its
 * response holds the response's memory and, for a file, a file handle,
 * for as long as it keeps the connection open. Node has no limit for it
 * (`requestTimeout` ends when the request is in, `keepAliveTimeout` starts
 * when the response is out).
 */
import type { Socket } from "node:net";

// What a connection had sent, and since when nothing more was.
interface Progress {
  sent: number;
  since: number;
}

/**
 * The connections of one server whose responses must keep moving: a
 * connection with bytes waiting to be written and none written for
 * `timeout` ms is destroyed, which closes the response and, through its
 * pipeline, the file or stream it was sending. A connection with nothing
 * waiting is never cut by it, however long it idles (an event stream
 * between two events, a keep-alive connection between requests).
 *
 * One entry per connection and one sweep for them all (at the server's
 * `connectionsCheckingInterval`), nothing per request. Progress is counted
 * in whole writes (`bytesWritten` less what is still queued), so a
 * response must be written in pieces for a slow reader to show progress:
 * `Response.writeTo` writes large bodies in 64 KiB slices, and files are
 * read in 64 KiB chunks. A client must so take 64 KiB per `timeout`.
 *
 * @example
 * const sends = new SendTimeout(30_000);
 * server.on("connection", (socket) => sends.watch(socket));
 * setInterval(() => sends.sweep(Date.now()), 1_000).unref();
 */
export class SendTimeout {
  readonly timeout: number;
  readonly #sockets = new Map<Socket, Progress>();

  constructor(timeout: number) {
    this.timeout = timeout;
  }

  /** Watch `socket` until it closes. */
  watch(socket: Socket): void {
    this.#sockets.set(socket, { sent: 0, since: Date.now() });
    socket.once("close", () => this.#sockets.delete(socket));
  }

  /** How many connections are watched. */
  get size(): number {
    return this.#sockets.size;
  }

  /** Destroy the connections that have had bytes waiting, and sent none, for `timeout` ms. */
  sweep(now: number): void {
    for (const [socket, progress] of this.#sockets) {
      const waiting = socket.writableLength;
      const sent = socket.bytesWritten - waiting;
      if (waiting === 0 || sent !== progress.sent) {
        progress.sent = sent;
        progress.since = now;
      } else if (now - progress.since >= this.timeout) {
        socket.destroy();
      }
    }
  }
}
