/**
 * Handler faults over real sockets, with the five invariants:
 * whatever a handler or an error view does wrong, the client gets a proper
 * 5xx without a stack, the fault is logged once, the connection stays in
 * step, and the process keeps serving.
 */
import { describe, expect, it } from "vitest";
import { HttpError, Route, type Request } from "../../lib/index.js";
import { attack, get, open, ResponseReader, targets } from "../support/attack-harness.js";

const start = targets();
const messages = (logged: [string, unknown][]) => logged.map(([message]) => message.replace(/ \[[^\]]*\]/, ""));

describe("a handler that fails before answering", () => {
  const cases: [string, string, string][] = [
    ["a synchronous throw", "/throw", "Error: sync failure at /srv/app/secret.ts"],
    ["an async rejection", "/reject", "TypeError: async failure"],
    ["a thrown string", "/throw-string", "a string, not an Error"],
  ];
  for (const [what, path, logged] of cases) {
    it(`${what}: 500 in every format, no message or stack, logged once, connection reusable`, async () => {
      const target = await start();
      for (const accept of ["*/*", "text/html", "application/json"]) {
        const result = await attack(target, get(path, { accept }));
        expect(result.response.status).toBe(500);
        expect(result.response.body).not.toContain("failure");
        expect(result.response.body).not.toContain("secret");
        expect(result.reused).toBe(true);
      }
      const result = await attack(target, get(path, { accept: "application/json" }));
      expect(result.response.body).toBe('{"error":500,"message":"Internal Server Error"}');
      expect(messages(target.logged)).toEqual(Array(4).fill(`GET ${path}: uncaught error`));
      const error = target.logged[0]![1];
      expect(error instanceof Error ? `${error.name}: ${error.message}` : error).toBe(logged);
      target.logged.length = 0;
    });
  }

  it("an HttpError with a header holding CR/LF still answers, without that header", async () => {
    const target = await start(undefined, (app) =>
      app.route("/bad-header-error")(() => {
        throw new HttpError(409, { message: "conflict", headers: { "x-bad": "a\r\nx-injected: 1" } });
      }),
    );
    const result = await attack(target, get("/bad-header-error"));
    expect(result.response.status).toBe(409);
    expect(result.response.headers["x-injected"]).toBeUndefined();
    expect(result.response.headers["x-bad"]).toBeUndefined();
  });
});

describe("a handler that fails after the head was sent", () => {
  it("a stream that throws mid-body: the connection is cut, the chunked body never terminated, the process serves on", async () => {
    const target = await start();
    const socket = await open(target.port);
    let data = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (data += chunk));
    socket.write(get("/stream-fails"));
    await new Promise((resolve) => socket.once("close", resolve));
    expect(data).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\nTransfer-Encoding: chunked\r\n\r\nc\r\nfirst chunk\n\r\n$/);
    // No terminating 0-chunk: a client can tell the body is incomplete.
    expect(data).not.toContain("\r\n0\r\n\r\n");
  });

  it("a stream that completes is sent whole, chunked, and the connection is reusable", async () => {
    const target = await start();
    const result = await attack(target, get("/stream"));
    expect(result.response.body).toBe("one two");
    expect(result.response.headers["transfer-encoding"]).toBe("chunked");
    expect(result.reused).toBe(true);
  });
});

describe("errors beyond the handler", () => {
  it("an error view that throws: the built-in page answers, the view's failure is logged", async () => {
    const target = await start(undefined, (app) => {
      app.errorHandlers[404] = () => {
        throw new Error("the error view is broken");
      };
      app.errorHandlers[500] = async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        throw new Error("the 500 view is broken too");
      };
    });
    const missing = await attack(target, get("/missing"));
    expect([missing.response.status, missing.response.body]).toEqual([404, "404 Not Found\n"]);
    const failing = await attack(target, get("/throw"));
    expect([failing.response.status, failing.response.body]).toEqual([500, "500 Internal Server Error\n"]);
    expect(messages(target.logged)).toEqual(["GET /missing: error view for 404 failed", "GET /throw: uncaught error", "GET /throw: error view for 500 failed"]);
    target.logged.length = 0;
  });

  it("a promise the handler never awaited rejects: it is logged and the process keeps serving", async () => {
    // vitest fails a run on any unhandled rejection: its listeners (there
    // before the app started) step aside for this one, so that the
    // application's own listener (lib/server/fault-guard.ts) is what keeps the
    // process up.
    const others = process.listeners("unhandledRejection");
    const target = await start(undefined, (app) =>
      app.route("/floating")(() => {
        void Promise.reject(new Error("nobody awaited me"));
        return "answered";
      }),
    );
    for (const listener of others) process.off("unhandledRejection", listener);
    try {
      const result = await attack(target, get("/floating"));
      expect(result.response.body).toBe("answered");
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      for (const listener of others) process.on("unhandledRejection", listener);
    }
    expect(messages(target.logged)).toEqual(["unhandled promise rejection (a promise nobody awaited); the process keeps serving"]);
    expect((target.logged[0]![1] as Error).message).toBe("nobody awaited me");
    target.logged.length = 0;
    // The harness's own recorder saw it too; it was handled, not a crash.
    target.faults.length = 0;
    const after = await attack(target, get("/health"));
    expect(after.response.status).toBe(200);
  });

  it("a handler that never answers: the route's timeout (GET /never with { timeout: 100 }) answers 503 within 1 s, and this.signal / request.signal is aborted", async () => {
    let signal: AbortSignal | undefined;
    const target = await start(undefined, (app) =>
      app.add(
        new Route("/never", (request: Request) => {
          signal = request.signal;
          return new Promise(() => {});
        }, { timeout: 100 }),
      ),
    );
    const started = Date.now();
    const result = await attack(target, get("/never", { accept: "application/json" }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result.response.status).toBe(503);
    expect(result.response.headers["retry-after"]).toBe("1");
    expect(result.response.body).toBe('{"error":503,"message":"The request took too long and was abandoned."}');
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as DOMException).name).toBe("TimeoutError");
    expect(result.reused).toBe(true);
    // A timeout is the framework's own 503: a warning without a stack, not an error.
    expect(messages(target.logged)).toEqual([]);
  });

  it("a handler that never answers, app-wide: new Application(routes, { timeout: 100 }) answers GET /never with 503 within 1 s and the connection stays reusable", async () => {
    let late = false;
    const target = await start({ timeout: 100 }, (app) =>
      app.route("/never")(async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        late = true;
        return "too late";
      }),
    );
    const started = Date.now();
    const result = await attack(target, get("/never"));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result.response.status).toBe(503);
    expect(result.response.body).toBe("503 Service Unavailable\nThe request took too long and was abandoned.\n");
    expect(result.reused).toBe(true);
    // The late result is dropped without an error.
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(late).toBe(true);
    expect(target.faults).toEqual([]);
    target.logged.length = 0;
  });

  it("50 concurrent failing requests leave nothing behind", async () => {
    const target = await start();
    const sockets = await Promise.all(Array.from({ length: 50 }, () => open(target.port)));
    const readers = sockets.map((socket) => new ResponseReader(socket));
    sockets.forEach((socket, i) => socket.write(get(i % 2 ? "/throw" : "/reject")));
    const answers = await Promise.all(readers.map((reader) => reader.next(1, 2_000)));
    expect(answers.map(([answer]) => answer?.status)).toEqual(Array(50).fill(500));
    for (const socket of sockets) socket.destroy();
    target.logged.length = 0;
  });
});
