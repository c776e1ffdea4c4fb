/**
 * lib/server/server.ts: the hardened settings, how they combine with the
 * application's options, and the clientError answer, without sockets. The
 * same behaviours over real sockets are in spec/e2e/server-*.spec.ts.
 */
import { EventEmitter } from "node:events";
import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import { Application } from "../../lib/index.js";
import { answerClientError, createNodeServer, resolveSettings, SERVER_DEFAULTS } from "../../lib/server/server.js";

function settingsOf(server: Server) {
  const { headersTimeout, requestTimeout, keepAliveTimeout, maxHeaderSize, maxRequestsPerSocket, connectionsCheckingInterval } = server as Server & {
    connectionsCheckingInterval: number;
    maxHeaderSize: number;
  };
  return { headersTimeout, requestTimeout, keepAliveTimeout, maxHeaderSize, maxRequestsPerSocket, connectionsCheckingInterval };
}

describe("SERVER_DEFAULTS", () => {
  it("are the documented hardened values", () => {
    expect(SERVER_DEFAULTS).toEqual({
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
      maxHeaderSize: 16_384,
      maxRequestsPerSocket: 10_000,
      sendTimeout: 30_000,
      connectionsCheckingInterval: 1_000,
    });
    expect(Object.isFrozen(SERVER_DEFAULTS)).toBe(true);
  });

  it("are what app.createServer() sets when no option is given", () => {
    // sendTimeout is handlerkit's own, not a property of Node's server.
    const { sendTimeout: _ours, ...node } = SERVER_DEFAULTS;
    expect(settingsOf(new Application().createServer())).toEqual(node);
  });
});

describe("server settings from the application options", () => {
  it("override the defaults one by one, under their Node names", () => {
    const app = new Application([], {
      headersTimeout: 2_000,
      requestTimeout: 4_000,
      keepAliveTimeout: 61_000,
      maxHeaderSize: 8_192,
      maxRequestsPerSocket: 0,
      connectionsCheckingInterval: 500,
    });
    expect(settingsOf(app.createServer())).toEqual({
      headersTimeout: 2_000,
      requestTimeout: 4_000,
      keepAliveTimeout: 61_000,
      maxHeaderSize: 8_192,
      maxRequestsPerSocket: 0,
      connectionsCheckingInterval: 500,
    });
  });

  it("keep the default headersTimeout within a shorter requestTimeout (Node refuses a longer one)", () => {
    expect(resolveSettings({ requestTimeout: 5_000 })).toMatchObject({ headersTimeout: 5_000, requestTimeout: 5_000 });
    expect(resolveSettings({ requestTimeout: 0 })).toMatchObject({ headersTimeout: 10_000, requestTimeout: 0 });
    expect(() => new Application([], { headersTimeout: 9_000, requestTimeout: 5_000 }).createServer()).toThrow(/headersTimeout/);
  });

  it("answer malformed requests with the clientError listener", () => {
    const server = new Application().createServer();
    expect(server.listeners("clientError")).toEqual([answerClientError]);
  });

  it("refuse http2 without tls", () => {
    expect(() => createNodeServer(() => {}, {}, { http2: true })).toThrow("http2 needs tls: browsers and most clients speak HTTP/2 only over TLS.");
  });

  it("still refuse insecureHTTPParser", () => {
    expect(() => new Application([], { insecureHTTPParser: true } as never)).toThrow(/insecureHTTPParser is refused/);
  });
});

class FakeSocket extends EventEmitter {
  writable = true;
  written = "";
  destroyed = false;
  _httpMessage: { headersSent: boolean } | undefined;
  end(data: string, callback: () => void) {
    this.written += data;
    this.writable = false;
    callback();
  }
  destroy() {
    this.destroyed = true;
  }
}

function answer(error: Error & { code?: string; reason?: string }, setup?: (socket: FakeSocket) => void): FakeSocket {
  const socket = new FakeSocket();
  setup?.(socket);
  answerClientError(error, socket as unknown as Duplex);
  return socket;
}

function parseError(code: string, reason?: string) {
  return Object.assign(new Error(`Parse Error: ${reason}`), { code, reason });
}

describe("answerClientError()", () => {
  it("answers a parse error with 400 and llhttp's reason, then closes", () => {
    const socket = answer(parseError("HPE_INVALID_METHOD", "Invalid method encountered"));
    const body = "400 Bad Request: Invalid method encountered\n";
    expect(socket.written).toBe(
      `HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(socket.destroyed).toBe(true);
  });

  it("maps an oversized head to 431, a timeout to 408 and oversized chunk extensions to 413", () => {
    expect(answer(parseError("HPE_HEADER_OVERFLOW", "Header overflow")).written).toMatch(
      /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n[^]*\r\n\r\n431 Request Header Fields Too Large: The request headers are larger than the server accepts\.\n$/,
    );
    expect(answer(Object.assign(new Error("timeout"), { code: "ERR_HTTP_REQUEST_TIMEOUT" })).written).toMatch(
      /^HTTP\/1\.1 408 Request Timeout\r\n[^]*\r\n\r\n408 Request Timeout: The request was not received in time\.\n$/,
    );
    expect(answer(parseError("HPE_CHUNK_EXTENSIONS_OVERFLOW", "Chunk extensions overflow")).written).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
  });

  it("says the request is malformed when Node gives no reason", () => {
    expect(answer(Object.assign(new Error("odd"), { code: "HPE_UNKNOWN" })).written).toMatch(/\r\n\r\n400 Bad Request: The request is malformed\.\n$/);
  });

  it("only destroys the socket when the client is gone or a response has started", () => {
    const reset = answer(Object.assign(new Error("reset"), { code: "ECONNRESET" }));
    expect(reset).toMatchObject({ written: "", destroyed: true });
    const unwritable = answer(parseError("HPE_INVALID_METHOD", "x"), (socket) => (socket.writable = false));
    expect(unwritable).toMatchObject({ written: "", destroyed: true });
    const midResponse = answer(parseError("HPE_INVALID_METHOD", "x"), (socket) => (socket._httpMessage = { headersSent: true }));
    expect(midResponse).toMatchObject({ written: "", destroyed: true });
  });

  it("destroys a TLS connection whose handshake failed or timed out: no HTTP can be written on it", () => {
    for (const code of ["ERR_TLS_HANDSHAKE_TIMEOUT", "ERR_SSL_WRONG_VERSION_NUMBER"]) {
      expect(answer(Object.assign(new Error(code), { code }))).toMatchObject({ written: "", destroyed: true });
    }
  });
});
