/**
 * Statuses that cannot be a final answer never reach the wire: outside 200
 * to 599 (a 1xx, 999, -1, 0, 1000, NaN, "x", 4.5), however the status is
 * set, the client gets a 500 and the log says why. `abort()` and
 * `HttpError` take error statuses only (400 to 599), as finalhandler does.
 */
import { describe, expect, it } from "vitest";
import { abort, Application, HttpError, RequestHandler, Response, type Request } from "../../lib/index.js";
import { bothWays } from "../support/both-ways.js";

const BAD = [999, -1, 0, 1000, Number.NaN, "x", 4.5, 100, 101, 199];
const NOT_ERRORS = [200, 204, 302, 399];

const statusOf = (request: Request): number => {
  const value = request.query.get("s")!;
  return /^-?[\d.]+$|^NaN$/.test(value) ? Number(value) : (value as unknown as number);
};

class ViaError extends RequestHandler {
  get() {
    this.error(statusOf(this.request));
    return "never sent";
  }
}
class ViaSetStatus extends RequestHandler {
  get() {
    this.response.setStatus(statusOf(this.request));
  }
}
class ViaSetter extends RequestHandler {
  get() {
    this.response.status = statusOf(this.request);
  }
}

const logged: string[] = [];
const served = bothWays(
  () =>
    new Application(
      [
        ["/abort", (request: Request) => abort(statusOf(request))],
        ["/http-error", (request: Request) => {
          throw new HttpError(statusOf(request));
        }],
        ["/error", ViaError],
        ["/set-status", ViaSetStatus],
        ["/setter", ViaSetter],
        ["/return", (request: Request) => statusOf(request)],
        ["/response", (request: Request) => new Response("body", statusOf(request))],
        ["/json", (request: Request) => Response.json({ a: 1 }, statusOf(request))],
        ["/ok", () => "ok"],
      ],
      { logger: { error: (message: string, error: unknown) => logged.push(`${message} ${String(error)}`), warn() {} } },
    ),
);

const WAYS = ["/abort", "/http-error", "/error", "/set-status", "/setter", "/return", "/response", "/json"];

describe("a status outside 200 to 599 never reaches the wire", () => {
  for (const status of BAD) {
    // A returned string is a body, not a status: "x" is a number only where a status is asked for.
    const ways = typeof status === "number" ? WAYS : WAYS.filter((way) => way !== "/return");
    it(`${JSON.stringify(status)}: 500 through ${ways.join(", ")}, logged with the reason`, async () => {
      for (const way of ways) {
        logged.length = 0;
        for (const answer of await served.both(`${way}?s=${encodeURIComponent(String(status))}`)) {
          expect(answer.status, `${way} ${status}`).toBe(500);
          expect(answer.body).toBe("500 Internal Server Error\n");
        }
        expect(logged, way).toHaveLength(2);
        for (const line of logged) expect(line).toMatch(/uncaught error RangeError: .*(status|HttpError)/);
      }
    });
  }

  it("abort() and HttpError take 400 to 599 only: a 2xx or 3xx there is a logged 500 too", async () => {
    for (const status of NOT_ERRORS) {
      for (const way of ["/abort", "/http-error"]) {
        logged.length = 0;
        for (const answer of await served.both(`${way}?s=${status}`)) expect(answer.status).toBe(500);
        expect(logged[0]).toContain(`An HttpError's status is an error status, an integer from 400 to 599, not ${status}`);
      }
    }
  });

  it("says why in the log when a handler returns such a number", async () => {
    logged.length = 0;
    await served.inProcess("/return?s=101");
    expect(logged).toEqual([
      expect.stringContaining("RangeError: The handler returned 101, which is not a response status (an integer from 200 to 599; a 1xx is never final)."),
    ]);
  });

  it("keeps every valid status working", async () => {
    for (const [way, status] of [["/abort", 404], ["/abort", 599], ["/return", 204], ["/return", 599], ["/set-status", 201], ["/error", 503], ["/response", 299]] as const) {
      for (const answer of await served.both(`${way}?s=${status}`)) expect(answer.status).toBe(status);
    }
  });
});

describe("a 1xx thrown or returned does not desync the connection", () => {
  it("answers the 1xx with one 500, and the pipelined request behind it with its own answer", async () => {
    for (const way of ["/http-error?s=100", "/return?s=101", "/abort?s=103"]) {
      const answer = await served.rawBytes(`GET ${way} HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 2_000);
      const statuses = [...answer.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => m[1]);
      expect(statuses, way).toEqual(["500", "200"]);
      expect(answer.endsWith("\r\n\r\nok")).toBe(true);
    }
  });
});
