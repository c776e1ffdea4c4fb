/**
 * Hardening over raw `node:net` sockets: slow clients are cut off
 * by the timeouts, malformed requests get a 4xx and a closed connection
 * (never a crash), body limits apply before the body is read, and
 * connections are recycled.
 */
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { request } from "undici";
import { Application, type ApplicationOptions, type Request } from "../../lib/index.js";

const quiet = { error() {}, info() {} };
let app: Application | undefined;
afterEach(async () => {
  await app?.close({ timeout: 100 });
  app = undefined;
});

async function serve(options: ApplicationOptions = {}): Promise<number> {
  app = new Application([], { logger: quiet, ...options });
  app.route("/")(() => "ok");
  app.route("/echo")(async (request: Request) => `got ${(await request.body()).length} bytes`);
  await app.listen(0, "127.0.0.1");
  return app.address!.port;
}

interface Exchange {
  /** Everything the server sent. */
  data: string;
  /** Whether the server closed the connection (false: we gave up after `ms`). */
  closed: boolean;
  /** Milliseconds from connecting to the close. */
  elapsed: number;
}

/** Connect, let `talk` write, and collect what comes back until the server closes or `ms` pass. */
function converse(port: number, talk: (socket: Socket) => void, ms = 1_500): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let data = "";
    const socket = connect(port, "127.0.0.1", () => talk(socket));
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (data += chunk));
    socket.on("error", (error: Error & { code?: string }) => {
      if (error.code !== "ECONNRESET" && error.code !== "EPIPE") reject(error);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ data, closed: false, elapsed: Date.now() - started });
    }, ms);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ data, closed: true, elapsed: Date.now() - started });
    });
  });
}

const send = (port: number, bytes: string, ms?: number) => converse(port, (socket) => socket.write(bytes), ms);

function plain(status: string, message: string): string {
  const body = `${status}: ${message}\n`;
  return `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

describe("timeouts", () => {
  it("cuts off a slowloris client sending its headers a byte at a time with 408 after headersTimeout", async () => {
    const port = await serve({ headersTimeout: 500, connectionsCheckingInterval: 50 });
    let sent = 0;
    const result = await converse(
      port,
      (socket) => {
        socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        const drip = setInterval(() => {
          if (socket.destroyed || !socket.writable) return clearInterval(drip);
          sent++;
          socket.write("X");
        }, 100);
        socket.once("close", () => clearInterval(drip));
      },
      4_000,
    );
    expect(result.closed).toBe(true);
    expect(result.data).toBe(plain("408 Request Timeout", "The request was not received in time."));
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(result.elapsed).toBeGreaterThanOrEqual(450);
    expect(result.elapsed).toBeLessThan(2_000);
  });

  it("cuts off a client that sends its body too slowly with 408 after requestTimeout", async () => {
    const port = await serve({ requestTimeout: 600, headersTimeout: 300, connectionsCheckingInterval: 50 });
    const result = await converse(
      port,
      (socket) => {
        socket.write("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n");
        const drip = setInterval(() => (socket.writable ? socket.write("x") : clearInterval(drip)), 100);
        socket.once("close", () => clearInterval(drip));
      },
      4_000,
    );
    expect(result.closed).toBe(true);
    expect(result.data).toBe(plain("408 Request Timeout", "The request was not received in time."));
    expect(result.elapsed).toBeLessThan(2_000);
  });

  it("closes an idle keep-alive connection after keepAliveTimeout", async () => {
    const port = await serve({ keepAliveTimeout: 200 });
    const result = await send(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 3_000);
    expect(result.closed).toBe(true);
    expect(result.data).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok$/);
    // Node states the timeout in whole seconds, and the default maxRequestsPerSocket.
    expect(result.data).toMatch(/\r\nKeep-Alive: timeout=0, max=10000\r\n/);
    expect(result.elapsed).toBeGreaterThanOrEqual(180);
    expect(result.elapsed).toBeLessThan(1_500);
  });

  it("tells the client to close after maxRequestsPerSocket requests and refuses more with 503", async () => {
    const port = await serve({ maxRequestsPerSocket: 2, keepAliveTimeout: 300 });
    const get = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    const result = await converse(port, (socket) => {
      socket.write(get);
      setTimeout(() => socket.writable && socket.write(get), 50);
      setTimeout(() => socket.writable && socket.write(get), 100);
    });
    const heads = result.data.split("HTTP/1.1 ").slice(1);
    expect(heads).toHaveLength(3);
    expect(heads[0]).toMatch(/^200 OK\r\n[^]*\r\nConnection: keep-alive\r\nKeep-Alive: timeout=0, max=2\r\n/);
    expect(heads[1]).toMatch(/^200 OK\r\n[^]*\r\nConnection: close\r\n/);
    expect(heads[2]).toMatch(/^503 Service Unavailable\r\n/);
  });
});

describe("malformed requests (clientError)", () => {
  it("answers a malformed request line with 400 and closes", async () => {
    const port = await serve();
    const result = await send(port, "GARBAGE\r\n\r\n");
    expect(result).toMatchObject({ closed: true, data: plain("400 Bad Request", "Invalid method encountered") });
  });

  it("answers an oversized header block with 431 and closes", async () => {
    const port = await serve({ maxHeaderSize: 8_192 });
    const result = await send(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(10_000)}\r\n\r\n`);
    expect(result).toMatchObject({ closed: true, data: plain("431 Request Header Fields Too Large", "The request headers are larger than the server accepts.") });
  });

  it("accepts a head up to the default maxHeaderSize (16 KiB) and refuses one past it", async () => {
    const port = await serve();
    const fits = await send(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Big: ${"a".repeat(15_000)}\r\n\r\n`);
    expect(fits.data).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const tooBig = await send(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(17_000)}\r\n\r\n`);
    expect(tooBig.data).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  });

  it("answers a bad Content-Length with 400 and closes", async () => {
    const port = await serve();
    const result = await send(port, "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n");
    expect(result).toMatchObject({ closed: true, data: plain("400 Bad Request", "Invalid character in Content-Length") });
    const twice = await send(port, "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab");
    expect(twice).toMatchObject({ closed: true, data: plain("400 Bad Request", "Duplicate Content-Length") });
  });

  it("answers both Content-Length and Transfer-Encoding with 400 and closes (no request smuggling)", async () => {
    const port = await serve();
    const result = await send(port, "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    expect(result).toMatchObject({ closed: true, data: plain("400 Bad Request", "Transfer-Encoding can't be present with Content-Length") });
  });

  it("keeps serving after all of them", async () => {
    const port = await serve();
    await send(port, "GARBAGE\r\n\r\n");
    await send(port, "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n");
    await send(port, "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n");
    const res = await request(`http://127.0.0.1:${port}/`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe("ok");
  });
});

describe("body limits", () => {
  it("refuses a declared Content-Length over the limit with 413 before reading the body", async () => {
    const port = await serve({ bodyLimit: 1_024 });
    // Only the head is sent: the answer cannot have waited for the body.
    const result = await send(port, "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\n\r\n");
    expect(result.closed).toBe(true);
    expect(result.data).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(result.data).toMatch(/\r\nconnection: close\r\n/i);
    expect(result.data).toMatch(/The request body is larger than the limit of 1024 bytes\./);
  });
});
