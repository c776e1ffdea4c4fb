/**
 * HTTP/1 connections over raw sockets, each case followed by the attack
 * harness's invariants: nothing runs on a connection once the server
 * decided to close it, a close while the client still uploads lingers so
 * the answer arrives, `Expect: 100-continue` asks for a body only when it
 * will be read, what RFC 9112 refuses and Node lets through is refused,
 * and a response stream that fails after its head is logged.
 */
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { Response, type Request } from "../../lib/index.js";
import { attack, get, open, post, ResponseReader, targets } from "../support/attack-harness.js";

const start = targets();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("no request is run after the server decided to close the connection (RFC 9112 §9.6)", () => {
  it("a request pipelined behind a Connection: close response never reaches its handler", async () => {
    let ran = 0;
    const target = await start(undefined, (app) => {
      app.route("/bye")(async () => {
        await sleep(30);
        return new Response("bye", 200, { connection: "close" });
      });
      app.route("/mark")(() => {
        ran++;
        return "marked";
      });
    });
    const result = await attack(target, Buffer.concat([Buffer.from(get("/bye")), post("/mark", "x")]));
    expect(result.response.body).toBe("bye");
    expect(result.closed).toBe(true);
    await sleep(100);
    expect(ran).toBe(0);
  });

  it("after a 413 with close on a 1.4 MB chunked body, a POST pipelined behind it never runs (six tries)", async () => {
    let ran = 0;
    const target = await start(undefined, (app) =>
      app.route("/mark")(() => {
        ran++;
        return "marked";
      }),
    );
    const chunk = `${(64 * 1024).toString(16)}\r\n${"a".repeat(64 * 1024)}\r\n`;
    const body = `${chunk.repeat(22)}0\r\n\r\n`;
    for (let i = 0; i < 6; i++) {
      const bytes = Buffer.concat([post("/echo", body, { "Transfer-Encoding": "chunked" }), post("/mark", "x")]);
      const result = await attack(target, bytes, { noFollowUp: true });
      expect(result.response.status).toBe(413);
      expect(result.response.headers.connection).toBe("close");
    }
    await sleep(100);
    expect(ran).toBe(0);
  });

  it("pipelined requests on a kept-alive connection are still all run and answered in order, async handlers included", async () => {
    const target = await start(undefined, (app) =>
      app.route("/wait/:ms")(async (_request: Request, { ms }: { ms: string }) => {
        await sleep(Number(ms));
        return `waited ${ms}`;
      }),
    );
    const result = await attack(target, get("/wait/40") + get("/wait/0") + get("/users/3") + get("/wait/10"), { expect: 4 });
    expect(result.responses.map((r) => r.body)).toEqual(["waited 40", "waited 0", '{"id":"3"}', "waited 10"]);
    expect(result.reused).toBe(true);
  });
});

describe("a close while the client still uploads lingers, so the 413 is not lost to a reset", () => {
  // A client that uploads a 4 MiB chunked body as fast as the server takes
  // it and reads the answer only once it has sent it all, as simple
  // clients do: the answer waits in its socket meanwhile, and a reset
  // from the server would throw it away.
  function upload(port: number): Promise<{ data: string; error: string | undefined }> {
    return new Promise((resolve) => {
      let data = "";
      let error: string | undefined;
      let sent = 0;
      const chunk = Buffer.from(`${(16 * 1024).toString(16)}\r\n${"a".repeat(16 * 1024)}\r\n`);
      const socket = connect(port, "127.0.0.1", () => {
        socket.pause();
        socket.write("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
        pump();
      });
      const pump = () => {
        while (!socket.destroyed && sent < 4 * 1024 * 1024) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once("drain", pump);
        }
        if (!socket.destroyed) socket.write("0\r\n\r\n", () => socket.resume());
      };
      socket.setEncoding("latin1");
      socket.on("data", (text: string) => (data += text));
      socket.on("error", (e: Error & { code?: string }) => (error = e.code));
      const timer = setTimeout(() => socket.destroy(), 5_000);
      socket.on("close", () => {
        clearTimeout(timer);
        resolve({ data, error });
      });
    });
  }

  it("four clients that upload 4 MiB past the limit, and read only once it is sent, all receive their 413", async () => {
    const target = await start();
    const results = await Promise.all([1, 2, 3, 4].map(() => upload(target.port)));
    for (const { data, error } of results) {
      expect(error).toBeUndefined();
      expect(data).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
      expect(data).toMatch(/\r\n\r\n413 Payload Too Large\nThe request body is larger than the limit of 65536 bytes\.\n$/);
    }
  });

  it("the lingering close ends when the client closes its side", async () => {
    const target = await start();
    const socket = await open(target.port);
    const reader = new ResponseReader(socket);
    const started = Date.now();
    socket.write("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000\r\n\r\n");
    const [response] = await reader.next(1, 2_000);
    expect(response?.status).toBe(413);
    // net sockets end their side when the server's FIN arrives.
    await new Promise((resolve) => socket.once("close", resolve));
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});

describe("Expect: 100-continue", () => {
  it("a declared Content-Length over the limit gets 413 at once, with no 100 Continue before it, and the connection closes", async () => {
    const target = await start();
    const result = await attack(target, "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 1000000\r\n\r\n");
    expect(result.response.status).toBe(413);
    expect(result.response.raw).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(result.response.headers.connection).toBe("close");
    expect(result.closed).toBe(true);
  });

  it("a body within the limit is asked for with 100 Continue when the handler reads it", async () => {
    const target = await start();
    const socket = await open(target.port);
    const reader = new ResponseReader(socket);
    socket.write("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    const [proceed] = await reader.next(1, 1_000);
    expect(proceed?.raw).toBe("HTTP/1.1 100 Continue\r\n\r\n");
    socket.write("hello");
    const [answer] = await reader.next(1, 1_000);
    expect(answer).toMatchObject({ status: 200, body: "got 5 bytes" });
    socket.write(get("/health"));
    expect((await reader.next(1, 1_000))[0]?.body).toBe("ok");
    socket.destroy();
  });

  it("a handler that never reads the body answers without a 100, and closes, since the body may or may not come", async () => {
    const target = await start();
    const result = await attack(target, "POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    expect(result.response.status).toBe(200);
    expect(result.response.raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(result.response.headers.connection).toBe("close");
    expect(result.closed).toBe(true);
  });
});

describe("what RFC 9112 refuses and Node's parser lets through", () => {
  it("an HTTP/1.0 request with Transfer-Encoding: 400, connection closed (its framing is faulty, §6.1)", async () => {
    const target = await start();
    const result = await attack(target, "POST /echo HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + get("/users/1"));
    expect(result.response.status).toBe(400);
    expect(result.response.body).toBe("400 Bad Request: HTTP/1.0 has no Transfer-Encoding: send a Content-Length, or HTTP/1.1.\n");
    expect(result.closed).toBe(true);
  });

  it("a request line of HTTP/2.0 on an HTTP/1 connection: 505, connection closed", async () => {
    const target = await start();
    const result = await attack(target, "GET /health HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n");
    expect(result.response.status).toBe(505);
    expect(result.response.body).toBe("505 HTTP Version Not Supported: HTTP/2 is spoken only over a connection that starts as HTTP/2, not in an HTTP/1 request line.\n");
    expect(result.closed).toBe(true);
  });

  it("a request asking to Upgrade is answered with Connection: close, so one pipelined behind it is not dropped in silence", async () => {
    const target = await start();
    const result = await attack(target, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n" + get("/users/1"));
    expect(result.response).toMatchObject({ status: 200, body: "ok" });
    expect(result.response.headers.connection).toBe("close");
    expect(result.closed).toBe(true);
  });
});

describe("a response stream that fails after its head", () => {
  it("cuts the connection and is logged once through app.logger, with the request id", async () => {
    const target = await start({ trustProxy: true });
    const socket = await open(target.port);
    const reader = new ResponseReader(socket);
    socket.write(get("/stream-fails", { "X-Request-Id": "req-42" }));
    await new Promise((resolve) => socket.once("close", resolve));
    expect(reader.text).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nc\r\nfirst chunk\n\r\n$/);
    await sleep(20);
    expect(target.logged.map(([message, error]) => [message, (error as Error).message])).toEqual([
      ["GET /stream-fails [req-42]: the response stream failed after the head was sent", "failed after the head was sent"],
    ]);
  });

  it("a client that goes away mid-stream is not logged", async () => {
    const target = await start(undefined, (app) =>
      app.route("/forever")(() =>
        (async function* () {
          for (;;) {
            yield "tick\n";
            await sleep(5);
          }
        })(),
      ),
    );
    const socket = await open(target.port);
    socket.write(get("/forever"));
    await new Promise((resolve) => socket.once("data", resolve));
    socket.destroy();
    await sleep(50);
    expect(target.logged).toEqual([]);
  });
});
