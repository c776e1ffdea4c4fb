import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import { Application, jsonView, RequestHandler, Response } from "../../lib/index.js";
import { readTuple } from "../../lib/core/dispatcher.js";
import { fetchResult } from "../support/socket-client.js";

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

  it("Maps and Sets are data, not streams, encoded by the app's JSON encoder", async () => {
    const res = await answer(new Map([["a", 1]]));
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.text()).toBe('{"a":1}');
    expect(await (await answer({ tags: new Set(["x", "y"]), n: { big: 2n ** 64n } })).text()).toBe('{"tags":["x","y"],"n":{"big":"18446744073709551616"}}');
  });
});

describe("the tuple grammar", () => {
  it("reads arrays that fit no tuple as data: [3, 120], [150, 250], [201, 200], [1, 2, 3]", async () => {
    for (const data of [[3, 120], [150, 250], [201, 200], [1, 2, 3], [200, 404, {}], ["a", 1000]]) {
      const res = await answer(data);
      expect(res.status, JSON.stringify(data)).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(await res.json()).toEqual(data);
    }
  });

  it("needs a status from 200 to 599 in a tuple: a 1xx or 600 is data", async () => {
    expect(await (await answer(["x", 101])).json()).toEqual(["x", 101]);
    expect(await (await answer([100, "go on"])).json()).toEqual([100, "go on"]);
    expect(await (await answer(["x", 600])).json()).toEqual(["x", 600]);
    expect((await answer(["x", 599])).status).toBe(599);
  });

  it("readTuple names each shape", () => {
    expect(readTuple([201, { id: 7 }])).toEqual({ kind: "status", status: 201, data: { id: 7 } });
    expect(readTuple(["Created", 201])).toEqual({ kind: "body", body: "Created", status: 201, headers: undefined });
    expect(readTuple([{ a: 1 }, 202, { "x-a": "1" }])).toEqual({ kind: "body", body: { a: 1 }, status: 202, headers: { "x-a": "1" } });
    expect(readTuple([303, "/next"])).toEqual({ kind: "redirect", status: 303, location: "/next" });
    expect(readTuple([3, 120])).toBeUndefined();
    expect(readTuple([{ a: 1 }, 202, ["x"]])).toBeUndefined();
  });
});

describe("one JSON encoder for every JSON body", () => {
  it("writes returned objects, tuples and JSON views with the app's json options", async () => {
    const app = new Application(
      [
        ["/object", () => ({ a: [1] })],
        ["/tuple", () => [{ a: 1 }, 201]],
        ["/status", () => [202, { a: 2 }]],
        ["/view", jsonView(() => ({ a: 3 }))],
      ],
      { json: { indent: 1, contentType: "application/vnd.test+json" } },
    );
    const object = await app.getResponse("/object");
    expect(object.headers.get("content-type")).toBe("application/vnd.test+json");
    expect(await object.text()).toBe('{\n "a": [\n  1\n ]\n}');
    const tuple = await app.getResponse("/tuple");
    expect(tuple.status).toBe(201);
    expect(tuple.headers.get("content-type")).toBe("application/vnd.test+json");
    expect(await tuple.text()).toBe('{\n "a": 1\n}');
    expect(await (await app.getResponse("/status")).text()).toBe('{\n "a": 2\n}');
    expect(await (await app.getResponse("/view")).text()).toBe('{\n "a": 3\n}');
  });

  it("answers a cycle with a 500, logged, never a crash", async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const logged: unknown[] = [];
    const app = new Application([["/", () => cyclic]], { logger: { error: (...args) => logged.push(args) } });
    const res = await app.getResponse("/");
    expect(res.status).toBe(500);
    expect(logged).toHaveLength(1);
  });
});

describe("[3, 120] over a socket", () => {
  it("is answered as a JSON array, and the connection stays usable", async () => {
    const app = new Application([["/", () => [3, 120]]]);
    const server = await app.listen(0, "127.0.0.1");
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      for (let i = 0; i < 2; i++) {
        const res = await fetchResult(url, { headersTimeout: 2000, bodyTimeout: 2000 });
        expect(res.status).toBe(200);
        expect(res.headers["content-type"]).toBe("application/json");
        expect(res.body).toBe("[3,120]");
      }
    } finally {
      await app.close();
    }
  });
});
