/**
 * The socket side of an application: building a hardened `node:http`,
 * `node:https` or `node:http2` server, answering malformed requests, and
 * shutting down gracefully.
 */
import cluster from "node:cluster";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createSecureServer, type Http2SecureServer, type Http2Session } from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { SecureContextOptions, TLSSocket } from "node:tls";
import type { Logger } from "../core/logger.js";
import { formatAddress, runPrimary, say } from "./cluster.js";
import { reasonPhrase } from "../http/errors.js";
import { expectContinue } from "../http/body-reader.js";
import { Http2Limits } from "./http2-limits.js";
import { plainErrorBody } from "./protocol.js";
import { SendTimeout } from "./send-timeout.js";

/**
 * The server settings an application passes on, under their Node names.
 * Each has a hardened default (see {@link SERVER_DEFAULTS}); `0` turns a
 * timeout or limit off, as in Node.
 */
export interface ServerSettings {
  /** Milliseconds a client has to send the whole request head; a slowloris client is cut off with 408. */
  headersTimeout?: number;
  /** Milliseconds a client has to send the whole request, head and body. */
  requestTimeout?: number;
  /** Milliseconds an idle keep-alive connection stays open. Behind a load balancer, make it longer than the balancer's idle timeout. */
  keepAliveTimeout?: number;
  /** The largest request head in bytes; more is answered 431. */
  maxHeaderSize?: number;
  /** Requests served on one connection before it is closed, so load spreads again across workers and machines. */
  maxRequestsPerSocket?: number;
  /**
   * Milliseconds a response may wait with bytes to send and none taken by
   * the client; past it the connection (an HTTP/2 stream) is closed, and
   * with it the file or stream being sent.
   */
  sendTimeout?: number;
  /** How often (ms) Node checks `headersTimeout` and `requestTimeout`: the precision of both, and of `sendTimeout` and the HTTP/2 deadlines. */
  connectionsCheckingInterval?: number;
}

/**
 * The hardened defaults. Node's own are generous (a request head may take
 * 60 s, a request 5 minutes, checked every 30 s); these cut a slow client
 * off within seconds while leaving room for slow mobile links.
 */
export const SERVER_DEFAULTS: Readonly<Required<ServerSettings>> = Object.freeze({
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  maxHeaderSize: 16_384,
  maxRequestsPerSocket: 10_000,
  sendTimeout: 30_000,
  connectionsCheckingInterval: 1_000,
});

/** The TLS material of an HTTPS or HTTP/2 server (`key` and `cert`, or `pfx`), as `node:tls` takes it. */
export type TlsOptions = SecureContextOptions;

/** How to serve: plain HTTP (the default), HTTPS with `tls`, or HTTP/2 with HTTP/1.1 fallback with `tls` and `http2`. */
export interface TransportOptions {
  /** Serve HTTPS with this key and certificate. */
  tls?: TlsOptions;
  /** Serve HTTP/2 (with HTTP/1.1 fallback by ALPN). Needs `tls`: clients speak HTTP/2 only over TLS. */
  http2?: boolean;
}

/** Options of `app.listen({ ... })`. */
export interface ListenOptions extends TransportOptions {
  /** The port; 0 picks a free one. Default 8080. */
  port?: number;
  /** The interface to bind; all of them by default. */
  host?: string;
  /** Close the application gracefully when this signal aborts. */
  signal?: AbortSignal;
  /** The length of the queue of pending connections. */
  backlog?: number;
}

/** A server `createNodeServer` may return. */
export type NodeServer = Server | Http2SecureServer;

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Create (but do not start) a server for `listener` with the hardened
 * settings, each overridable, and `clientError` answered by
 * {@link answerClientError}.
 *
 * @example
 * const server = createNodeServer(app.handle, { headersTimeout: 5_000 });
 * server.listen(8080);
 */
export function createNodeServer(listener: Listener, settings: ServerSettings = {}, transport: TransportOptions = {}): NodeServer {
  const s = resolveSettings(settings);
  // A TLS connection that never completes its handshake is closed as a
  // plain one that never sends a byte is (Node's own limit is 120 s).
  const handshake = s.headersTimeout > 0 ? { handshakeTimeout: s.headersTimeout } : {};
  let server: NodeServer;
  let http2: Http2Limits | undefined;
  if (transport.http2) {
    if (!transport.tls) throw new TypeError("http2 needs tls: browsers and most clients speak HTTP/2 only over TLS.");
    const limits = new Http2Limits(s);
    http2 = limits;
    server = createSecureServer(
      {
        ...transport.tls,
        ...handshake,
        allowHTTP1: true,
        // HTTP/2's own limits: the head size, and how many requests one
        // connection may have in flight at once.
        settings: { maxConcurrentStreams: 100, ...(s.maxHeaderSize > 0 ? { maxHeaderListSize: s.maxHeaderSize } : {}) },
      },
      ((req: IncomingMessage, res: ServerResponse) => {
        if (req.httpVersionMajor === 2) limits.track(req as never, res as never);
        listener(req, res);
      }) as unknown as Parameters<typeof createSecureServer>[1],
    );
    limits.attach(server);
    // These govern the HTTP/1.1 fallback connections, as on a plain server.
    Object.assign(server, {
      headersTimeout: s.headersTimeout,
      requestTimeout: s.requestTimeout,
      connectionsCheckingInterval: s.connectionsCheckingInterval,
      ...(s.maxHeaderSize > 0 ? { maxHeaderSize: s.maxHeaderSize } : {}),
    });
    // An HTTP/2 connection silent for this long is closed.
    server.setTimeout(s.requestTimeout || s.keepAliveTimeout);
  } else {
    const options = {
      headersTimeout: s.headersTimeout,
      requestTimeout: s.requestTimeout,
      connectionsCheckingInterval: s.connectionsCheckingInterval,
      ...(s.maxHeaderSize > 0 ? { maxHeaderSize: s.maxHeaderSize } : {}),
    };
    server = transport.tls ? createHttpsServer({ ...transport.tls, ...handshake, ...options }, listener) : createHttpServer(options, listener);
  }
  Object.assign(server, { keepAliveTimeout: s.keepAliveTimeout, maxRequestsPerSocket: s.maxRequestsPerSocket });
  server.on("clientError", answerClientError);
  // `Expect: 100-continue`: the 100 is sent when the body is read, so a
  // body that will be refused (a declared length over the limit) is
  // answered at once and never asked for.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    expectContinue(req);
    server.emit("request", req, res);
  });
  const sends = s.sendTimeout > 0 ? new SendTimeout(s.sendTimeout) : undefined;
  // Node starts headersTimeout at a request's first byte, so a connection
  // that sends nothing would stay open for ever: closed after
  // headersTimeout. A TLS socket is counted once its handshake is done, in
  // request bytes; an HTTP/2 one by its session (see Http2Limits).
  const silent = s.headersTimeout;
  server.on(transport.tls ? "secureConnection" : "connection", (socket: Socket | TLSSocket) => {
    if ((socket as TLSSocket).alpnProtocol === "h2") return;
    if (silent > 0) closeIfSilent(socket, silent);
    sends?.watch(socket);
  });
  if (sends !== undefined || http2 !== undefined) sweepWhileListening(server, s.connectionsCheckingInterval, (now) => {
    sends?.sweep(now);
    http2?.sweep(now);
  });
  return server;
}

/** Run `sweep` every `ms` (1 s when 0) from `listening` to `close`, without holding the process open. */
function sweepWhileListening(server: NodeServer, ms: number, sweep: (now: number) => void): void {
  let timer: NodeJS.Timeout | undefined;
  server.on("listening", () => {
    clearInterval(timer);
    timer = setInterval(() => sweep(Date.now()), ms > 0 ? ms : 1_000);
    timer.unref();
  });
  server.on("close", () => clearInterval(timer));
}

/** Destroy `socket` if it has not sent a byte after `ms`; one timer per connection, not per request. */
function closeIfSilent(socket: Socket, ms: number): void {
  const timer = setTimeout(() => {
    if (socket.bytesRead === 0) socket.destroy();
  }, ms);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}

/**
 * The settings in force: the given ones over the defaults. When only
 * `requestTimeout` is given, `headersTimeout` is kept within it (Node
 * refuses a head timeout longer than the request timeout).
 */
export function resolveSettings(settings: ServerSettings): Required<ServerSettings> {
  const requestTimeout = settings.requestTimeout ?? SERVER_DEFAULTS.requestTimeout;
  const headersTimeout =
    settings.headersTimeout ?? (requestTimeout > 0 ? Math.min(SERVER_DEFAULTS.headersTimeout, requestTimeout) : SERVER_DEFAULTS.headersTimeout);
  return {
    headersTimeout,
    requestTimeout,
    keepAliveTimeout: settings.keepAliveTimeout ?? SERVER_DEFAULTS.keepAliveTimeout,
    maxHeaderSize: settings.maxHeaderSize ?? SERVER_DEFAULTS.maxHeaderSize,
    maxRequestsPerSocket: settings.maxRequestsPerSocket ?? SERVER_DEFAULTS.maxRequestsPerSocket,
    sendTimeout: settings.sendTimeout ?? SERVER_DEFAULTS.sendTimeout,
    connectionsCheckingInterval: settings.connectionsCheckingInterval ?? SERVER_DEFAULTS.connectionsCheckingInterval,
  };
}

// llhttp error codes and Node's timeout with the status and message they
// deserve; any other parse error is a 400 with llhttp's own reason.
const CLIENT_ERRORS: Record<string, [status: number, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, "The request headers are larger than the server accepts."],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "The request was not received in time."],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, "The chunk extensions are larger than the server accepts."],
};

/**
 * The `clientError` listener: a request Node could not parse (a malformed
 * request line, an oversized head, a bad `Content-Length`, both
 * `Content-Length` and `Transfer-Encoding`) or did not receive in time gets
 * a short plain-text 400, 408, 413 or 431 saying why, and the connection is
 * closed. Nothing is thrown, so a bad client never takes the process down.
 */
export function answerClientError(error: Error & { code?: string; reason?: string }, socket: Duplex): void {
  // Mid-response (a pipelined request went wrong after an answer started),
  // a second head would corrupt the stream: cut the connection instead.
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  // A connection that never sent a byte gets no answer, whichever timer
  // noticed first: Node's headersTimeout check or closeIfSilent.
  const silent = error.code === "ERR_HTTP_REQUEST_TIMEOUT" && (socket as Socket).bytesRead === 0;
  // No HTTP can be written on a TLS connection whose handshake failed or timed out.
  const tls = error.code !== undefined && (error.code.startsWith("ERR_TLS_") || error.code.startsWith("ERR_SSL_"));
  if (silent || tls || error.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, why] = CLIENT_ERRORS[error.code ?? ""] ?? [400, error.reason ?? "The request is malformed."];
  const body = plainErrorBody(status, why);
  const head = `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  socket.end(head + body, () => socket.destroy());
}

/**
 * A started server and what it takes to stop it well: the HTTP/2 sessions
 * and TLS sockets it has open (Node tracks HTTP/1 connections itself).
 *
 * @example
 * const server = new GracefulServer(app.handle, app.serverSettings, {}, (error) => console.error(error));
 * await server.listen({ port: 0, host: "127.0.0.1" });
 * await server.close(10_000);
 */
export class GracefulServer {
  /** The `node:http`, `node:https` or `node:http2` server. */
  readonly node: NodeServer;
  readonly #http2: boolean;
  readonly #sessions = new Set<Http2Session>();
  readonly #sockets = new Set<TLSSocket | Socket>();
  readonly #onError: (error: Error) => void;
  #closed: Promise<void> | undefined;

  /** `onError` hears server errors after listening (an accept failure such as EMFILE), which must not crash the process. */
  constructor(listener: Listener, settings: ServerSettings, transport: TransportOptions, onError: (error: Error) => void = ignore) {
    this.node = createNodeServer(listener, settings, transport);
    this.#onError = onError;
    this.#http2 = transport.http2 === true;
    if (this.#http2) {
      const sessions = this.#sessions;
      const sockets = this.#sockets;
      this.node.on("session", (session: Http2Session) => {
        sessions.add(session);
        session.once("close", () => sessions.delete(session));
      });
      this.node.on("secureConnection", (socket: TLSSocket) => {
        sockets.add(socket);
        socket.once("close", () => sockets.delete(socket));
      });
      // A session error is the client's problem; the session is destroyed.
      this.node.on("sessionError", ignore);
    }
  }

  /** Start listening; resolves once the port is bound, rejects if it cannot be. */
  listen(options: { port?: number; host?: string; backlog?: number }): Promise<void> {
    const server = this.node;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen({ port: options.port ?? 8080, host: options.host, backlog: options.backlog }, () => {
        server.off("error", reject);
        server.on("error", this.#onError);
        resolve();
      });
    });
  }

  /** The address the server listens on. */
  get address(): AddressInfo | undefined {
    const address = this.node.address();
    return address && typeof address === "object" ? address : undefined;
  }

  /**
   * Stop: after `drainDelay` ms of serving as before (none by default, and
   * none for a server that is not listening), refuse new connections, close
   * idle keep-alive connections and send HTTP/2 sessions a GOAWAY, let
   * in-flight requests finish, and destroy what is left after `timeout` ms.
   * Resolves when every connection is gone; calling it again returns the
   * same promise.
   */
  close(timeout: number, drainDelay = 0): Promise<void> {
    if (this.#closed) return this.#closed;
    if (drainDelay > 0 && this.node.listening) {
      this.#closed = new Promise<void>((resolve) => setTimeout(resolve, drainDelay)).then(() => this.#stop(timeout));
      return this.#closed;
    }
    this.#closed = this.#stop(timeout);
    return this.#closed;
  }

  #stop(timeout: number): Promise<void> {
    const server = this.node;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // An HTTP/2 server with HTTP/1.1 fallback has this too (for the fallback connections).
    (server as Server).closeIdleConnections();
    for (const session of this.#sessions) session.close();
    const timer = setTimeout(() => this.#destroyAll(), timeout);
    return closed.finally(() => clearTimeout(timer));
  }

  #destroyAll(): void {
    if (this.#http2) {
      for (const session of this.#sessions) session.destroy();
      for (const socket of this.#sockets) socket.destroy();
    } else {
      (this.node as Server).closeAllConnections();
    }
  }
}


/** Options of `app.run()`: where and how to listen, and how many processes. */
export interface RunOptions extends TransportOptions {
  /** The port; default `PORT` from the environment, else 8080. */
  port?: number;
  /** The interface; default `HOST` from the environment, else all of them. */
  host?: string;
  /** Fork this many worker processes (`node:cluster`); a single process when absent. */
  workers?: number;
  /** Milliseconds in-flight requests get to finish on SIGINT/SIGTERM (10 s). */
  shutdownTimeout?: number;
  /**
   * Milliseconds to keep serving after SIGINT/SIGTERM, with readiness
   * answering 503, before the drain starts: `SHUTDOWN_DRAIN_MS` from the
   * environment, else 0. See `CloseOptions.drainDelay`.
   */
  drainDelay?: number;
  /** Milliseconds before a crashed worker is restarted the first time (100), doubling per crash in a row. */
  restartDelay?: number;
}

/** What {@link runApplication} runs: `Application` satisfies it. */
export interface Runnable {
  readonly logger: Logger;
  /** The address it listens on, once `listen()` resolved. */
  readonly address: AddressInfo | undefined;
  listen(options: ListenOptions): Promise<NodeServer>;
  close(options?: { timeout?: number; drainDelay?: number }): Promise<void>;
}

/**
 * What `app.run()` does: in a cluster primary (`workers` given), fork the
 * workers and wait for them; otherwise listen, print the address (the
 * primary prints it for its workers), and on the first SIGINT or SIGTERM
 * close gracefully and exit. Resolves to the server, or `undefined` in a
 * primary.
 */
export async function runApplication(app: Runnable, options: RunOptions = {}): Promise<NodeServer | undefined> {
  const shutdownTimeout = options.shutdownTimeout ?? 10_000;
  const drainDelay = options.drainDelay ?? millisecondsFromEnv("SHUTDOWN_DRAIN_MS");
  if (options.workers !== undefined && options.workers > 0 && cluster.isPrimary) {
    // The workers' drain delay comes before their drain: the primary waits for both.
    const workerShutdown = shutdownTimeout + drainDelay;
    await runPrimary({ workers: options.workers, restartDelay: options.restartDelay, shutdownTimeout: workerShutdown, logger: app.logger, secure: options.tls !== undefined });
    process.exit(0);
  }
  const port = options.port ?? portFromEnv();
  const host = options.host ?? (process.env.HOST || undefined);
  let stopping = false;
  const stop = () => {
    // A worker gets SIGINT from the terminal and SIGTERM from its primary:
    // the second signal must not cut the drain short.
    if (stopping) return;
    stopping = true;
    void app.close({ timeout: shutdownTimeout, drainDelay }).finally(() => process.exit(0));
  };
  // Before listening, so that a signal sent as soon as the address is
  // printed is already handled.
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const server = await app.listen({ port, host, tls: options.tls, http2: options.http2 });
  if (!cluster.isWorker) say(app.logger, `handlerkit listening on ${formatAddress(app.address!, options.tls !== undefined)}`);
  return server;
}

function portFromEnv(): number {
  const value = process.env.PORT;
  if (value === undefined || value === "") return 8080;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`PORT must be a port number, not ${JSON.stringify(value)}.`);
  return port;
}

function millisecondsFromEnv(name: string): number {
  const value = process.env[name];
  if (value === undefined || value === "") return 0;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`${name} must be a whole number of milliseconds, not ${JSON.stringify(value)}.`);
  return ms;
}

function ignore(): void {}
