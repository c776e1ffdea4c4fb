/**
 * The error log is not the client's to fill: answers the framework gives
 * on purpose (501 for a method it does not serve, 400/414 for a bad path or
 * Host, 404, 405) log no error and no stack; its own 5xx (501, the timeout's
 * 503) are one warn line; only what handler code threw is an error. And any
 * thrown value, a Proxy whose traps throw included, is answered with a 500.
 */
import { describe, expect, it } from "vitest";
import { abort, Application, jsonView, JsonHandler, RequestHandler, Route } from "../../lib/index.js";
import { bothWays } from "../support/both-ways.js";

const errors: unknown[][] = [];
const warnings: unknown[][] = [];
const logger = { error: (...args: unknown[]) => errors.push(args), warn: (...args: unknown[]) => warnings.push(args), info() {} };

function hostile(): object {
  const trap = () => {
    throw new Error("trap");
  };
  return new Proxy({}, { getPrototypeOf: trap, get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });
}

class ThrowsProxy extends RequestHandler {
  get() {
    throw hostile();
  }
}
class JsonThrowsProxy extends JsonHandler {
  get() {
    throw hostile();
  }
}

const served = bothWays(
  () =>
    new Application(
      [
        ["/ok", () => "ok"],
        new Route("/only-get", () => "x", { methods: ["GET"] }),
        ["/boom", () => {
          throw new Error("handler bug");
        }],
        ["/unavailable", () => abort(503, { message: "maintenance" })],
        new Route("/slow", () => new Promise((resolve) => setTimeout(() => resolve("late"), 500)), { timeout: 20 }),
        ["/proxy", () => {
          throw hostile();
        }],
        ["/proxy-async", async () => {
          throw hostile();
        }],
        ["/proxy-class", ThrowsProxy],
        ["/proxy-json-class", JsonThrowsProxy],
        ["/proxy-json", jsonView(() => {
          throw hostile();
        })],
      ],
      { logger },
    ),
);

function reset(): void {
  errors.length = 0;
  warnings.length = 0;
}

const hasStack = (args: unknown[]) => args.some((arg) => arg instanceof Error || (typeof arg === "string" && /\n\s+at /.test(arg)));

describe("answers given on purpose to a client's mistake", () => {
  const cases: [string, string, number][] = [
    ["PROPFIND", "/ok", 501],
    ["GET", "/%zz", 400],
    ["GET", `/${"a".repeat(1_100)}`, 414],
    ["GET", "/nowhere", 404],
    ["POST", "/only-get", 405],
  ];
  for (const [method, path, status] of cases) {
    it(`${method} ${path.slice(0, 20)}: ${status}, no error logged and no stack anywhere`, async () => {
      reset();
      for (const answer of await served.both(path, { method })) expect(answer.status).toBe(status);
      expect(errors).toEqual([]);
      for (const args of warnings) expect(hasStack(args)).toBe(false);
    });
  }

  it("a 501 is one warn line per request, without a stack", async () => {
    reset();
    await served.both("/ok", { method: "PROPFIND" });
    expect(warnings).toEqual([
      [expect.stringMatching(/^PROPFIND \/ok \[[0-9a-f-]+\]: 501 Method PROPFIND is not served\.$/)],
      [expect.stringMatching(/^PROPFIND \/ok \[[0-9a-f-]+\]: 501 Method PROPFIND is not served\.$/)],
    ]);
  });

  it("a bad Host is a 400 and logs nothing", async () => {
    reset();
    expect((await served.rawBytes("GET /ok HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n", 1_000)).slice(0, 12)).toBe("HTTP/1.1 400");
    expect((await served.inProcess("/ok", { headers: { host: "a b" } })).status).toBe(400);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

describe("the framework's own 5xx and the handler's errors", () => {
  it("a timeout's 503 is a warning without a stack", async () => {
    reset();
    for (const answer of await served.both("/slow")) expect(answer.status).toBe(503);
    expect(errors).toEqual([]);
    expect(warnings).toHaveLength(2);
    for (const args of warnings) expect(args).toEqual([expect.stringContaining("GET /slow")]);
  });

  it("what handler code throws is an error with its stack, a 5xx it raises on purpose too", async () => {
    reset();
    for (const answer of await served.both("/boom")) expect(answer.status).toBe(500);
    for (const answer of await served.both("/unavailable")) expect(answer.status).toBe(503);
    expect(errors.map((args) => String(args[0]).replace(/ \[[^\]]+\]/, ""))).toEqual([
      "GET /boom: uncaught error",
      "GET /boom: uncaught error",
      "GET /unavailable: uncaught error",
      "GET /unavailable: uncaught error",
    ]);
    for (const args of errors) expect(args[1]).toBeInstanceOf(Error);
    expect(warnings).toEqual([]);
  });
});

describe("a thrown Proxy whose traps throw", () => {
  for (const path of ["/proxy", "/proxy-async", "/proxy-class", "/proxy-json-class", "/proxy-json"]) {
    it(`${path}: a 500 like any other thrown value, logged`, async () => {
      reset();
      const json = path.includes("json");
      for (const answer of await served.both(path)) {
        expect(answer.status).toBe(500);
        expect(answer.body).toBe(json ? '{"error":500,"message":"An error occurred"}' : "500 Internal Server Error\n");
      }
      expect(errors.length).toBeGreaterThanOrEqual(2);
      expect((await served.overSocket("/ok")).status).toBe(200);
    });
  }
});
