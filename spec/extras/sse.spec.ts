import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { request } from "undici";
import { Application, type Request } from "../../lib/index.js";
import { formatEvent, sse } from "../../lib/extras/sse.js";

describe("formatEvent()", () => {
  it("writes id, event, retry and multi-line data, ending with a blank line", () => {
    expect(formatEvent({ id: 3, event: "tick", retry: 1500, data: "a\nb" })).toBe("id: 3\nevent: tick\nretry: 1500\ndata: a\ndata: b\n\n");
    expect(formatEvent("plain")).toBe("data: plain\n\n");
    expect(formatEvent({ data: { n: 1 } })).toBe('data: {"n":1}\n\n');
    expect(formatEvent({ comment: "hi" })).toBe(": hi\n\n");
  });

  it("refuses line breaks in id and event (they would start new fields)", () => {
    expect(() => formatEvent({ event: "a\ndata: injected" })).toThrow("An SSE event cannot contain line breaks or NUL.");
    expect(() => formatEvent({ id: "1\r2" })).toThrow("An SSE id cannot contain line breaks or NUL.");
  });
});

describe("sse()", () => {
  let app: Application | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it("streams text/event-stream in process", async () => {
    app = new Application([["/events", () => sse(["one", { event: "two", data: [2] }], { heartbeat: 0 })]]);
    const res = await app.getResponse("/events");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(await res.text()).toBe("data: one\n\nevent: two\ndata: [2]\n\n");
  });

  it("streams over a socket with heartbeats, and closes the source when the client goes away", async () => {
    let closed = false;
    let produced = 0;
    async function* ticks() {
      try {
        for (;;) {
          yield { id: produced, data: `tick ${produced++}` };
          await sleep(30);
        }
      } finally {
        closed = true;
      }
    }
    app = new Application([["/ticks", (_request: Request) => sse(ticks(), { heartbeat: 20 })]]);
    await app.listen(0, "127.0.0.1");
    const controller = new AbortController();
    const res = await request(`http://127.0.0.1:${app.address!.port}/ticks`, { signal: controller.signal });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    let text = "";
    for await (const chunk of res.body) {
      text += chunk.toString();
      if (text.includes("tick 2")) break;
    }
    expect(text.startsWith("id: 0\ndata: tick 0\n\n")).toBe(true);
    expect(text).toContain("id: 1\ndata: tick 1\n\n");
    expect(text).toContain(": ping\n\n");
    controller.abort();
    for (let i = 0; i < 50 && !closed; i++) await sleep(10);
    expect(closed).toBe(true);
    const after = produced;
    await sleep(100);
    expect(produced).toBe(after);
  });

  it("stops when its signal aborts", async () => {
    const controller = new AbortController();
    let closed = false;
    async function* forever() {
      try {
        for (;;) {
          yield "x";
          await sleep(5);
        }
      } finally {
        closed = true;
      }
    }
    const res = sse(forever(), { signal: controller.signal, heartbeat: 0 });
    const readable = res.toReadable()!;
    readable.resume();
    await sleep(20);
    controller.abort();
    for (let i = 0; i < 50 && !closed; i++) await sleep(5);
    expect(closed).toBe(true);
    expect(readable.destroyed).toBe(true);
  });
});
