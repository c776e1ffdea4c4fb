/**
 * HTTP/2 and TLS deadlines over real sockets, with `node:http2`'s client
 * speaking frames: a body trickled on a stream gets 408 at requestTimeout,
 * a stream whose client never opens its flow-control window is reset at
 * sendTimeout, a session with no request is closed even while it PINGs,
 * a 413 is followed by RST_STREAM(NO_ERROR), raw UTF-8 in `:path` is a 400,
 * and TLS connections that stay silent are closed at headersTimeout.
 */
import { connect as http2Connect, constants, type ClientHttp2Session, type ClientHttp2Stream } from "node:http2";
import { connect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Application, type ApplicationOptions, type Request } from "../../lib/index.js";
import { selfSignedCert } from "../support/tls-cert.js";

const made = selfSignedCert();
const certificate = () => ({ key: made.key, cert: made.cert });
afterAll(() => made.remove());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FAST = { headersTimeout: 300, requestTimeout: 600, keepAliveTimeout: 400, sendTimeout: 300, connectionsCheckingInterval: 50 };

let app: Application | undefined;
const sessions: ClientHttp2Session[] = [];
afterEach(async () => {
  for (const session of sessions.splice(0)) session.destroy();
  await app?.close({ timeout: 100 });
  app = undefined;
});

async function serve(options: ApplicationOptions = {}, http2 = true): Promise<number> {
  app = new Application([], { logger: { error() {}, info() {} }, bodyLimit: 1024, ...FAST, ...options });
  app.route("/")(() => "ok");
  app.route("/echo")(async (request: Request) => `got ${(await request.body()).length} bytes`);
  app.route("/big")(() => "a".repeat(4 * 1024 * 1024));
  await app.listen({ port: 0, host: "127.0.0.1", tls: certificate(), http2 });
  return app.address!.port;
}

function session(port: number, settings: Record<string, number> = {}): ClientHttp2Session {
  const client = http2Connect(`https://127.0.0.1:${port}`, { ca: certificate().cert, settings });
  client.on("error", () => {});
  sessions.push(client);
  return client;
}

/** What became of a stream: its status, body, and the RST_STREAM code it closed with. */
function outcome(stream: ClientHttp2Stream): Promise<{ status: number; body: string; rstCode: number | undefined; elapsed: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    let status = 0;
    let body = "";
    stream.setEncoding("utf8");
    stream.on("response", (headers) => (status = Number(headers[":status"])));
    stream.on("data", (chunk: string) => (body += chunk));
    stream.on("error", () => {});
    stream.on("close", () => resolve({ status, body, rstCode: stream.rstCode, elapsed: Date.now() - started }));
  });
}

const closed = (client: ClientHttp2Session) => new Promise<number>((resolve) => {
  const started = Date.now();
  client.once("close", () => resolve(Date.now() - started));
});

describe("HTTP/2 per-stream requestTimeout", () => {
  it("a body sent a byte every 100 ms is answered 408 at requestTimeout, and the stream is closed", async () => {
    const port = await serve();
    const client = session(port);
    const stream = client.request({ ":method": "POST", ":path": "/echo", "content-length": "100" });
    const drip = setInterval(() => (stream.writable ? stream.write("x") : clearInterval(drip)), 100);
    const result = await outcome(stream);
    clearInterval(drip);
    expect(result.status).toBe(408);
    expect(result.body).toBe("408 Request Timeout: The request was not received in time.\n");
    expect(result.rstCode).toBe(constants.NGHTTP2_NO_ERROR);
    expect(result.elapsed).toBeGreaterThanOrEqual(500);
    expect(result.elapsed).toBeLessThan(2_500);
    // The session itself still serves.
    expect(await outcome(client.request({ ":path": "/" }))).toMatchObject({ status: 200, body: "ok" });
  });

  it("a body sent in time is served", async () => {
    const port = await serve();
    const stream = session(port).request({ ":method": "POST", ":path": "/echo", "content-length": "3" });
    stream.end("abc");
    expect(await outcome(stream)).toMatchObject({ status: 200, body: "got 3 bytes" });
  });
});

describe("HTTP/2 sessions that make no progress", () => {
  it("a stream whose client never opens its window is reset with CANCEL at sendTimeout; the session, PINGing, is then closed", async () => {
    const port = await serve();
    const client = session(port, { initialWindowSize: 0 });
    const ended = closed(client);
    const ping = setInterval(() => !client.destroyed && client.ping(() => {}), 100);
    const result = await outcome(client.request({ ":path": "/big" }));
    expect(result.status).toBe(200);
    expect(result.rstCode).toBe(constants.NGHTTP2_CANCEL);
    expect(result.elapsed).toBeLessThan(2_500);
    const elapsed = await Promise.race([ended, sleep(4_000).then(() => -1)]);
    clearInterval(ping);
    expect(elapsed).toBeGreaterThan(0);
  });

  it("a session that never opens a stream is closed at headersTimeout, PINGs or not", async () => {
    const port = await serve({ requestTimeout: 10_000, keepAliveTimeout: 10_000 });
    const client = session(port);
    const ping = setInterval(() => !client.destroyed && client.ping(() => {}), 100);
    const elapsed = await Promise.race([closed(client), sleep(3_000).then(() => -1)]);
    clearInterval(ping);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("a session idle after its requests is closed at keepAliveTimeout, PINGs or not", async () => {
    const port = await serve({ requestTimeout: 10_000, keepAliveTimeout: 400 });
    const client = session(port);
    expect(await outcome(client.request({ ":path": "/" }))).toMatchObject({ status: 200 });
    const ping = setInterval(() => !client.destroyed && client.ping(() => {}), 100);
    const elapsed = await Promise.race([closed(client), sleep(3_000).then(() => -1)]);
    clearInterval(ping);
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(2_000);
  });
});

describe("HTTP/2 after a 413", () => {
  it("the stream is reset with NO_ERROR once the answer is out, so the client stops sending its 900 MB", async () => {
    const port = await serve();
    const stream = session(port).request({ ":method": "POST", ":path": "/echo", "content-length": "900000000" });
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024);
    const pump = () => {
      while (!stream.destroyed && !stream.closed && sent < 900_000_000) {
        sent += chunk.length;
        if (!stream.write(chunk)) return void stream.once("drain", pump);
      }
    };
    pump();
    const result = await outcome(stream);
    expect(result.status).toBe(413);
    expect(result.rstCode).toBe(constants.NGHTTP2_NO_ERROR);
    await sleep(200);
    // What the client got to send is what the windows allowed before the reset.
    expect(sent).toBeLessThan(32 * 1024 * 1024);
  });
});

describe("HTTP/2 :path", () => {
  it("raw UTF-8 is a 400, as over HTTP/1.1", async () => {
    const port = await serve();
    const result = await outcome(session(port).request({ ":path": "/caf\u00e9" }));
    expect(result).toMatchObject({ status: 400, body: "400 Bad Request: The :path holds characters that must be percent-encoded.\n" });
    expect(await outcome(session(port).request({ ":path": "/caf%C3%A9" }))).toMatchObject({ status: 404 });
  });
});

describe("silent TLS connections are closed at headersTimeout, as plain ones are", () => {
  for (const http2 of [false, true]) {
    const kind = http2 ? "HTTP/2" : "HTTPS";

    it(`${kind}: a TCP connection that never starts its handshake`, async () => {
      const port = await serve({ requestTimeout: 10_000, keepAliveTimeout: 10_000 }, http2);
      const elapsed = await new Promise<number>((resolve) => {
        const started = Date.now();
        const socket = connect(port, "127.0.0.1");
        socket.on("error", () => {});
        socket.once("close", () => resolve(Date.now() - started));
        setTimeout(() => socket.destroy(), 3_000);
      });
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(2_000);
    });

    it(`${kind}: a connection that completes its handshake over HTTP/1.1 and sends no request`, async () => {
      const port = await serve({ requestTimeout: 10_000, keepAliveTimeout: 10_000 }, http2);
      const elapsed = await new Promise<number>((resolve) => {
        let started = 0;
        const socket = tlsConnect({ port, host: "127.0.0.1", ca: certificate().cert, ALPNProtocols: ["http/1.1"] }, () => (started = Date.now()));
        socket.on("error", () => {});
        socket.once("close", () => resolve(Date.now() - started));
        setTimeout(() => socket.destroy(), 3_000);
      });
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(2_000);
    });
  }
});
