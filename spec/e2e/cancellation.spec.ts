/** Cancellation and timeouts over real sockets, with undici. */
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { request } from "undici";
import { Application, RequestHandler, Route } from "../../lib/index.js";

let app: Application | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(a: Application) {
  app = a;
  await a.listen(0, "127.0.0.1");
  return `http://127.0.0.1:${a.address!.port}`;
}

describe("this.signal and request.signal", () => {
  it("fire when the client aborts mid-handler, so the handler can free what it holds", async () => {
    let aborted: unknown;
    let freed = false;
    class Slow extends RequestHandler {
      async get() {
        // A resource held until the work is done or abandoned.
        const timer = setInterval(() => {}, 10);
        this.signal.addEventListener("abort", () => {
          clearInterval(timer);
          freed = true;
          aborted = this.signal.reason;
        });
        await sleep(2_000, undefined, { signal: this.signal }).catch(() => {});
        return "finished";
      }
    }
    const base = await serve(new Application([["/slow", Slow]]));
    const controller = new AbortController();
    const pending = request(`${base}/slow`, { signal: controller.signal });
    await sleep(100);
    controller.abort();
    await expect(pending).rejects.toThrow();
    for (let i = 0; i < 50 && !freed; i++) await sleep(10);
    expect(freed).toBe(true);
    expect((aborted as DOMException).name).toBe("AbortError");
    // The server is still serving.
    const res = await request(`${base}/nowhere`);
    expect(res.statusCode).toBe(404);
    await res.body.text();
  });

  it("a route timeout answers 503, aborts the signal, and ignores the handler's late return without error", async () => {
    const logged: string[] = [];
    const warned: unknown[][] = [];
    let lateReturn = false;
    let reason: unknown;
    const slow = async (request: import("../../lib/index.js").Request) => {
      request.signal.addEventListener("abort", () => (reason = request.signal.reason));
      await sleep(300);
      lateReturn = true;
      return "late";
    };
    const base = await serve(
      new Application([new Route("/slow", slow, { timeout: 50 }), ["/fast", () => "fast"]], {
        logger: { error: (message: string) => logged.push(message), warn: (...args: unknown[]) => warned.push(args) },
      }),
    );
    const started = Date.now();
    const res = await request(`${base}/slow`, { headers: { accept: "application/json" } });
    expect(Date.now() - started).toBeLessThan(300);
    expect(res.statusCode).toBe(503);
    expect(res.headers["retry-after"]).toBe("1");
    expect(await res.body.json()).toEqual({ error: 503, message: "The request took too long and was abandoned." });
    expect((reason as DOMException).name).toBe("TimeoutError");
    await sleep(350);
    expect(lateReturn).toBe(true);
    // The framework's own 503: one warn line, no error and no stack.
    expect(logged).toEqual([]);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toEqual([expect.stringMatching(/^GET \/slow \[[0-9a-f-]+\]: 503 The request took too long and was abandoned\.$/)]);
    const fast = await request(`${base}/fast`);
    expect(await fast.body.text()).toBe("fast");
  });

  it("a timeout works in process too, and a fast handler is unaffected", async () => {
    const a = new Application(
      [["/slow", async () => sleep(200).then(() => "late")], ["/fast", async () => "fast"]],
      { timeout: 50, logger: { error() {} } },
    );
    expect((await a.getResponse("/slow")).status).toBe(503);
    expect(await (await a.getResponse("/fast")).text()).toBe("fast");
  });
});
