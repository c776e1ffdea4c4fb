/**
 * requestTimer(): Server-Timing with the time of the rest of the pipeline.
 */
import { describe, expect, it } from "vitest";
import { Application, HttpError, requestTimer } from "../../lib/index.js";
import { overSocket } from "../support/listening.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function appWith(...timers: ReturnType<typeof requestTimer>[]) {
  const app = new Application([
    ["/", () => "fast"],
    ["/slow", async () => {
      await sleep(30);
      return "slow";
    }],
    ["/fail", () => {
      throw new HttpError(409);
    }],
  ]);
  app.use(...timers);
  return app;
}
const duration = (header: string | undefined, name = "app") => Number(new RegExp(`(?:^|, )${name}(?:;desc="[^"]*")?;dur=([0-9.]+)`).exec(header ?? "")?.[1]);

describe("requestTimer()", () => {
  it("adds Server-Timing with the time the rest took, in milliseconds", async () => {
    const app = appWith(requestTimer());
    const fast = await app.getResponse("/");
    expect(fast.headers.get("server-timing")).toMatch(/^app;dur=\d+\.\d{3}$/);
    const slow = await app.getResponse("/slow");
    // The slow handler sleeps 30 ms: the timer saw at least most of that
    // (timers may fire a little early), and the fast one saw less.
    expect(duration(slow.headers.get("server-timing"))).toBeGreaterThanOrEqual(25);
    expect(duration(slow.headers.get("server-timing"))).toBeGreaterThan(duration(fast.headers.get("server-timing")));
  });

  it("times error responses too, and adds its metric beside others", async () => {
    const app = appWith(requestTimer({ name: "total" }), requestTimer({ name: "inner", description: "handler and routing" }));
    const res = await app.getResponse("/fail");
    expect(res.status).toBe(409);
    const header = res.headers.get("server-timing")!;
    expect(header).toMatch(/^inner;desc="handler and routing";dur=[0-9.]+, total;dur=[0-9.]+$/);
    expect(duration(header, "total")).toBeGreaterThanOrEqual(duration(header, "inner"));
  });

  it("refuses a name or description that cannot go in the header", () => {
    expect(() => requestTimer({ name: "a b" })).toThrow('requestTimer(): name "a b" must be a token');
    expect(() => requestTimer({ description: "line\nbreak" })).toThrow("description must be printable ASCII");
  });

  it("sends the header over a socket", async () => {
    await overSocket(appWith(requestTimer()), async (fetch) => {
      const res = await fetch("/slow");
      expect(res.text).toBe("slow");
      expect(duration(res.headers["server-timing"] as string)).toBeGreaterThanOrEqual(25);
    });
  });
});
