/**
 * Closing a connection the client is still sending on, without losing
 * the answer (a 413 to an upload) to a TCP reset.
 */
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";

/**
 * How long and how much a lingering close reads before it gives up: 2 s,
 * 8 MiB. Apache lingers 2 s per read and 30 s in all; a client that keeps
 * sending this long after its answer is not reading it.
 */
export const LINGER = Object.freeze({ ms: 2_000, bytes: 8 * 1024 * 1024 });

// How often the bytes read while lingering are counted.
const POLL = 50;

/**
 * Make the close that follows `req`'s response a lingering one (RFC 9112
 * §9.6): half-close (the answer and a FIN go out), keep reading and
 * dropping what the client still sends, and destroy the socket once the
 * client closes its side, or after {@link LINGER}'s bytes or time.
 *
 * Node ends a `Connection: close` response by destroying the socket as
 * soon as the answer is handed to the kernel; when unread upload bytes sit
 * in the socket then, the kernel answers them with a reset, and a client
 * still uploading is told "connection reset" instead of its 413. Node calls
 * `destroySoon()` for that close, so it is replaced on this one socket.
 *
 * @example
 * response.headers.set("connection", "close");
 * if (!req.complete) lingerOnClose(req);
 */
export function lingerOnClose(req: IncomingMessage, limits: { ms: number; bytes: number } = LINGER): void {
  const socket = req.socket as Socket & { destroySoon?: () => void };
  if (socket == null || typeof socket.destroySoon !== "function") return;
  socket.destroySoon = () => linger(socket, req, limits);
}

function linger(socket: Socket, req: IncomingMessage, limits: { ms: number; bytes: number }): void {
  if (socket.destroyed) return;
  const start = socket.bytesRead;
  const done = () => {
    clearInterval(poll);
    clearTimeout(timer);
    socket.off("end", done);
    socket.off("close", done);
    socket.destroy();
  };
  const poll = setInterval(() => {
    if (socket.bytesRead - start > limits.bytes) done();
  }, POLL);
  const timer = setTimeout(done, limits.ms);
  poll.unref();
  timer.unref();
  socket.once("close", done);
  socket.once("end", done);
  // What still arrives is the rest of the refused body: read on and drop it.
  req.resume();
  socket.resume();
  if (socket.writable) socket.end();
}
