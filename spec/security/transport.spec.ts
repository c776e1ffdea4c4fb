/**
 * Attacks on the transport and the HTTP/1.1 parser, over raw
 * sockets, each followed by the five invariants (spec/support/attack-harness.ts).
 * spec/e2e/server-hardening.spec.ts pins the exact bodies of the
 * `clientError` answers; these cases pin the statuses, the closed or
 * reusable connection, and that nothing leaks or crashes.
 */
import { describe, expect, it } from "vitest";
import { Application } from "../../lib/index.js";
import { attack, get, open, post, ResponseReader, targets } from "../support/attack-harness.js";

const start = targets();
const ALIVE = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

describe("malformed request heads are answered by the server, never the app", () => {
  const cases: [string, string | Buffer, number][] = [
    ["a garbage request line", "GARBAGE\r\n\r\n", 400],
    ["HTTP/1.1 without Host", "GET /health HTTP/1.1\r\n\r\n", 400],
    ["a raw space in the path", "GET /users/a b HTTP/1.1\r\nHost: x\r\n\r\n", 400],
    ["a raw NUL in the path", "GET /users/a\0b HTTP/1.1\r\nHost: x\r\n\r\n", 400],
    ["raw UTF-8 in the path", Buffer.from("GET /users/é HTTP/1.1\r\nHost: x\r\n\r\n"), 400],
    ["bare LF line ends", "GET /health HTTP/1.1\nHost: x\n\n", 400],
    ["a space before the header colon", "GET /health HTTP/1.1\r\nHost : x\r\n\r\n", 400],
    ["a control character in a header value", "GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n", 400],
    ["an obs-fold continuation line", "GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", 400],
    ["a TLS ClientHello on the plain port", Buffer.from("16030100a5010000a10303", "hex"), 400],
    ["the HTTP/2 connection preface on the plain port", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400],
    ["an unknown method token", "FOO / HTTP/1.1\r\nHost: x\r\n\r\n", 400],
  ];
  for (const [name, bytes, status] of cases) {
    it(`${name}: ${status}, connection closed`, async () => {
      const target = await start();
      const result = await attack(target, bytes);
      expect(result.response.status).toBe(status);
      expect(result.closed).toBe(true);
      expect(target.logged).toEqual([]);
    });
  }
});

describe("Content-Length and Transfer-Encoding (request smuggling)", () => {
  const cases: [string, string][] = [
    ["duplicate Content-Length", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"],
    ["duplicate equal Content-Length", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na"],
    ["Content-Length: abc", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"],
    ["Content-Length: -1", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"],
    ["Content-Length: +1", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\na"],
    ["Content-Length: 1, 1", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 1\r\n\r\na"],
    ["Content-Length with Transfer-Encoding: chunked (CL.TE)", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["Transfer-Encoding: chunked with Content-Length (TE.CL)", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\nGPOST / HTTP/1.1\r\n\r\n0\r\n\r\n"],
    ["Content-Length with Transfer-Encoding: identity", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\nContent-Length: 1\r\n\r\na"],
    ["a malformed chunk size", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"],
  ];
  for (const [name, bytes] of cases) {
    it(`${name}: 400, connection closed, the smuggled request never served`, async () => {
      const target = await start();
      const result = await attack(target, bytes);
      expect(result.response.status).toBe(400);
      expect(result.closed).toBe(true);
      expect(result.responses).toHaveLength(1);
    });
  }

  it("chunk extensions over 16 KiB: 413 from the clientError listener, connection closed", async () => {
    const target = await start();
    const result = await attack(target, `POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;${"a".repeat(20_000)}\r\nx\r\n0\r\n\r\n`);
    expect(result.response.status).toBe(413);
    expect(result.response.body).toBe("413 Payload Too Large: The chunk extensions are larger than the server accepts.\n");
    expect(result.closed).toBe(true);
  });

  it("two pipelined requests are answered in order on one connection", async () => {
    const target = await start();
    const result = await attack(target, get("/users/1") + get("/users/2"), { expect: 2 });
    expect(result.responses.map((r) => r.body)).toEqual(['{"id":"1"}', '{"id":"2"}']);
    expect(result.reused).toBe(true);
  });

  it("a body the handler never reads does not desync the next request on the connection", async () => {
    const target = await start();
    const result = await attack(target, post("/health", `GET /users/smuggled HTTP/1.1\r\nHost: x\r\n\r\n`));
    expect(result.response.status).toBe(200);
    expect(result.response.body).toBe("ok");
    expect(result.reused).toBe(true);
  });
});

describe("header limits count bytes, never a Content-Length the parser may drop", () => {
  // 2,100 header lines: past Node's maxHeadersCount (2,000), so the
  // Content-Length at the end is framed by the parser but missing from
  // req.headers. The body limit must still hold, by bytes read.
  const lines = Array.from({ length: 2_100 }, (_, i) => `a${i % 10}:1\r\n`).join("");
  // From Node 22 on, the parser itself refuses a head with that many lines:
  // a 431 and a closed connection, before any body is read.
  const parserRefuses = Number(process.versions.node.split(".")[0]) >= 22;

  it("2,100 header lines and a 70,000-byte body over the 64 KiB limit: 413, connection closed", async () => {
    const target = await start();
    const head = `POST /echo HTTP/1.1\r\nHost: x\r\n${lines}Content-Length: 70000\r\n\r\n`;
    const result = await attack(target, Buffer.concat([Buffer.from(head), Buffer.alloc(70_000, 97)]));
    expect(result.response.status).toBe(parserRefuses ? 431 : 413);
    if (!parserRefuses) expect(result.response.body).toBe("413 Payload Too Large\nThe request body is larger than the limit of 65536 bytes.\n");
    expect(result.closed).toBe(true);
  });

  it("2,100 header lines and a 10-byte body: the body is read whole and the connection stays in step", async () => {
    const target = await start();
    const head = `POST /echo HTTP/1.1\r\nHost: x\r\n${lines}Content-Length: 10\r\n\r\n`;
    const result = await attack(target, Buffer.concat([Buffer.from(head), Buffer.alloc(10, 97)]));
    if (parserRefuses) {
      expect(result.response.status).toBe(431);
      expect(result.closed).toBe(true);
      return;
    }
    expect(result.response.status).toBe(200);
    expect(result.response.body).toBe("got 10 bytes");
    expect(result.reused).toBe(true);
  });

  it("a head over maxHeaderSize: 431, connection closed", async () => {
    const target = await start();
    const result = await attack(target, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(17_000)}\r\n\r\n`);
    expect(result.response.status).toBe(431);
    expect(result.closed).toBe(true);
  });

  it("many small headers adding up past maxHeaderSize: 431, connection closed", async () => {
    const target = await start();
    const result = await attack(target, `GET /health HTTP/1.1\r\nHost: x\r\n${"X-A: aaaaaaaaaaaaaaaa\r\n".repeat(1_000)}\r\n`);
    expect(result.response.status).toBe(431);
    expect(result.closed).toBe(true);
  });
});

describe("the clientError listener answers timeouts itself", () => {
  it("a head never finished: 408 after headersTimeout (600 ms here), connection closed", async () => {
    const target = await start();
    const result = await attack(target, "GET /health HTTP/1.1\r\nHost: x\r\n", { ms: 3_000 });
    expect(result.response.status).toBe(408);
    expect(result.response.body).toBe("408 Request Timeout: The request was not received in time.\n");
    expect(result.closed).toBe(true);
    expect(result.elapsed).toBeGreaterThanOrEqual(500);
    expect(result.elapsed).toBeLessThan(2_500);
  });

  it("a connection that never sends a byte is closed, without an answer, after headersTimeout", async () => {
    const target = await start();
    const started = Date.now();
    const socket = await open(target.port);
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    await new Promise((resolve) => socket.once("close", resolve));
    expect(received).toBe("");
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it("a connection that sent a request and idles is closed by keepAliveTimeout, not by the silent-connection timer", async () => {
    const target = await start({ headersTimeout: 300, keepAliveTimeout: 1_000 });
    const socket = await open(target.port);
    const reader = new ResponseReader(socket);
    socket.write(ALIVE);
    expect((await reader.next(1, 1_000))[0]?.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(reader.closed).toBe(false);
    socket.write(ALIVE);
    expect((await reader.next(1, 1_000))[0]?.status).toBe(200);
    socket.destroy();
  });
});

describe("options", () => {
  it("refuses insecureHTTPParser with a TypeError, whatever its value", () => {
    for (const value of [true, false, undefined]) {
      expect(() => new Application([], { insecureHTTPParser: value } as never)).toThrow(
        new TypeError("insecureHTTPParser is refused: it lets request smuggling through. Fix the client instead."),
      );
    }
  });

  it("serves a keep-alive request after each kind of rejected connection (a smoke run of the group)", async () => {
    const target = await start();
    for (const bytes of ["GARBAGE\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "GET /health HTTP/1.1\r\n\r\n"]) await attack(target, bytes);
    const result = await attack(target, ALIVE);
    expect(result.response.status).toBe(200);
    expect(result.reused).toBe(true);
  });
});
