import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { Application, RequestHandler, Response } from "../../lib/index.js";

async function answer(result: unknown, init?: Parameters<Application["getResponse"]>[1]) {
  const app = new Application([["/", () => result]]);
  return app.getResponse("/", init);
}

describe("what a handler may return", () => {
  it("undefined: the handler's own response, as written", async () => {
    class Writer extends RequestHandler {
      get() {
        this.response.setStatus(201);
        this.response.headers.set("x-a", "1");
        this.response.write("one ");
        this.response.write(Buffer.from("two"));
      }
    }
    const res = await new Application([["/", Writer]]).getResponse("/");
    expect(res.status).toBe(201);
    expect(res.headers.get("x-a")).toBe("1");
    expect(res.headers.get("content-length")).toBe("7");
    expect(await res.text()).toBe("one two");
  });

  it("a Response: that response, unchanged", async () => {
    const res = await answer(new Response("made", 202, { "content-type": "text/plain" }));
    expect(res.status).toBe(202);
    expect(res.headers.get("content-type")).toBe("text/plain");
    expect(await res.text()).toBe("made");
  });

  it("a string: 200 text/html; charset=utf-8", async () => {
    const res = await answer("<p>héllo</p>");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength("<p>héllo</p>")));
    expect(await res.text()).toBe("<p>héllo</p>");
  });

  it("keeps headers and cookies the handler set when it returns a value", async () => {
    class Cookied extends RequestHandler {
      get() {
        this.response.setCookie("seen", "1");
        return { ok: true };
      }
    }
    const res = await new Application([["/", Cookied]]).getResponse("/");
    expect(res.headers.get("set-cookie")).toBe("seen=1; Path=/");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ ok: true });
  });

  it("bytes: 200 application/octet-stream", async () => {
    const res = await answer(Buffer.from([1, 2, 3]));
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect([...(await res.bytes())]).toEqual([1, 2, 3]);
    const u8 = await answer(new Uint8Array([9]));
    expect(u8.headers.get("content-type")).toBe("application/octet-stream");
  });

  it("an object, array, Date, boolean or null: 200 JSON", async () => {
    for (const value of [{ a: 1 }, [1, "two"], new Date(0), true, null]) {
      const res = await answer(value);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(await res.text()).toBe(JSON.stringify(value));
    }
  });

  it("a number: that status with an empty body", async () => {
    const res = await answer(204);
    expect(res.status).toBe(204);
    expect(res.headers.has("content-type")).toBe(false);
    expect(await res.text()).toBe("");
    const accepted = await answer(202);
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get("content-length")).toBe("0");
  });

  it("[body, status] and [body, status, headers]", async () => {
    const text = await answer(["made", 201]);
    expect(text.status).toBe(201);
    expect(await text.text()).toBe("made");
    const json = await answer([{ id: 1 }, 201, { location: "/items/1" }]);
    expect(json.status).toBe(201);
    expect(json.headers.get("location")).toBe("/items/1");
    expect(json.headers.get("content-type")).toBe("application/json");
    expect(await json.json()).toEqual({ id: 1 });
  });

  it("[status, data]: data as JSON; a string as the message", async () => {
    const data = await answer([201, { id: 2 }]);
    expect(data.status).toBe(201);
    expect(await data.json()).toEqual({ id: 2 });
    const ok = await answer([200, "fine"]);
    expect(await ok.json()).toEqual({ message: "fine" });
    const error = await answer([422, "bad email"]);
    expect(error.status).toBe(422);
    expect(await error.json()).toEqual({ error: 422, message: "bad email" });
  });

  it("[3xx, location]: a redirect", async () => {
    const res = await answer([301, "/new"]);
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/new");
    expect(await res.text()).toBe("");
  });

  it("other arrays stay JSON arrays", async () => {
    expect(await (await answer([1, 2, 3])).json()).toEqual([1, 2, 3]);
    expect(await (await answer(["a", "b"])).json()).toEqual(["a", "b"]);
  });

  it("an iterable, async iterable, Node stream or web stream: a streamed body", async () => {
    function* gen() {
      yield "a";
      yield "b";
    }
    async function* agen() {
      yield "c";
      yield Buffer.from("d");
    }
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("web"));
        controller.close();
      },
    });
    const cases: [unknown, string][] = [
      [gen(), "ab"],
      [agen(), "cd"],
      [Readable.from(["no", "de"]), "node"],
      [web, "web"],
    ];
    for (const [body, expected] of cases) {
      const res = await answer(body);
      expect(res.status).toBe(200);
      expect(res.headers.has("content-length")).toBe(false);
      expect(await res.text()).toBe(expected);
    }
  });

  it("Maps and Sets are data, not streams", async () => {
    const res = await answer(new Map([["a", 1]]));
    expect(res.headers.get("content-type")).toBe("application/json");
  });
});
