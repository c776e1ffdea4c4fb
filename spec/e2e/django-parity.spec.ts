/**
 * Django's request and response where handlerkit was short, in process and
 * over a socket: a settable `request.charset` (Django's `request.encoding`),
 * QueryDict's `getLast`/`lists`/`update`/`setAll`/`setDefault`, `jsonView()`
 * taking a class (django-jsonview's `json_view(MyView.as_view())`), and a
 * JSON view's route answering the router's 404 and 405 as JSON.
 */
import { describe, expect, it } from "vitest";
import { Application, jsonView, JsonHandler, NotFound, RequestHandler, Route, type Request } from "../../lib/index.js";
import { bothWays } from "../support/both-ways.js";
import { multipartBody } from "../support/multipart-body.js";

const BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8";
const LATIN1_FORM = { "content-type": "application/x-www-form-urlencoded" };

class Legacy extends RequestHandler {
  async post() {
    if (this.request.query.has("latin1")) this.request.charset = "iso-8859-1";
    const form = await this.request.form();
    return { name: form.get("name"), charset: this.request.charset ?? null };
  }
}
class Late extends RequestHandler {
  async post() {
    await this.request.text();
    this.request.charset = "iso-8859-1";
    return "never";
  }
}
class Text extends RequestHandler {
  async post() {
    this.request.charset = "iso-8859-1";
    return { text: await this.request.text() };
  }
}
class Query extends RequestHandler {
  get() {
    const q = this.request.query.copy();
    q.update({ added: "1" });
    q.setAll("tag", [...q.getAll("tag"), "extra"]);
    const fallback = q.setDefault("page", "1");
    return { last: this.request.query.getLast("tag"), lists: [...q.lists()], fallback };
  }
}
class Items extends RequestHandler {
  get(params: { id: string }) {
    if (params.id === "0") throw new NotFound("No such item");
    return { id: params.id };
  }
  post() {
    return [{ created: true }, 201];
  }
}
class Rescuing extends RequestHandler {
  get() {
    throw new Error("inner");
  }
  override handleException(error: unknown) {
    return { rescued: (error as Error).message };
  }
}

const served = bothWays(
  () =>
    new Application(
      [
        ["/legacy", Legacy],
        ["/late", Late],
        ["/text", Text],
        ["/query", Query],
        new Route("/items/:id", jsonView(Items)),
        ["/rescuing", jsonView(Rescuing)],
        new Route("/post-only", jsonView(() => ({ ok: true })), { methods: ["POST"] }),
        new Route("/api/:id", jsonView(() => ({ ok: true }))),
        new Route("/class-post-only", class extends JsonHandler {
          post() {
            return { ok: true };
          }
        }, { methods: ["POST"] }),
      ],
      { logger: { error() {} } },
    ),
);

describe("request.charset is settable before the body is read", () => {
  it("decodes a form's escapes and raw bytes in that charset from then on", async () => {
    const body = "name=%E9t%E9";
    for (const answer of await served.both("/legacy?latin1", { method: "POST", body, headers: LATIN1_FORM })) {
      expect(JSON.parse(answer.body)).toEqual({ name: "été", charset: "iso-8859-1" });
    }
    for (const answer of await served.both("/legacy", { method: "POST", body, headers: LATIN1_FORM })) {
      expect(JSON.parse(answer.body)).toEqual({ name: "%E9t%E9", charset: null });
    }
  });

  it("decodes text() in it", async () => {
    const app = served.app;
    const res = await app.getResponse("/text", { method: "POST", body: Buffer.from([0x63, 0x61, 0x66, 0xe9]), headers: { "content-type": "text/plain" } });
    expect(await res.json()).toEqual({ text: "café" });
  });

  it("decodes multipart text fields in it", async () => {
    const { body, contentType } = multipartBody([{ name: "name", value: Buffer.from([0xe9, 0x74, 0xe9]) }]);
    for (const query of ["?latin1", ""]) {
      const res = await served.app.getResponse(`/legacy${query}`, { method: "POST", body, headers: { "content-type": contentType } });
      expect((await res.json<{ name: string }>()).name).toBe(query ? "été" : "\ufffdt\ufffd");
    }
  });

  it("is a clear error once the body was read: a logged 500", async () => {
    for (const answer of await served.both("/late", { method: "POST", body: "x", headers: { "content-type": "text/plain" } })) expect(answer.status).toBe(500);
    const { Request } = await import("../../lib/index.js");
    const request = Request.blank("/", { method: "POST", body: "x" });
    await request.body();
    expect(() => (request.charset = "latin1")).toThrow(
      "request.charset can only be set before the body is read (it was already read with body(), text(), json() or form()).",
    );
  });
});

describe("MultiDict as QueryDict, through a handler", () => {
  it("getLast, update, setAll, setDefault and lists", async () => {
    for (const answer of await served.both("/query?tag=a&tag=b")) {
      expect(JSON.parse(answer.body)).toEqual({ last: "b", lists: [["tag", ["a", "b", "extra"]], ["added", ["1"]], ["page", ["1"]]], fallback: "1" });
    }
  });
});

describe("jsonView() takes a RequestHandler subclass", () => {
  it("answers its results and errors as JSON, whatever the client accepts", async () => {
    const headers = { accept: BROWSER };
    for (const answer of await served.both("/items/7", { headers })) expect(answer).toMatchObject({ status: 200, body: '{"id":"7"}' });
    for (const answer of await served.both("/items/7", { method: "POST", headers })) expect(answer).toMatchObject({ status: 201, body: '{"created":true}' });
    for (const answer of await served.both("/items/0", { headers })) {
      expect(answer).toMatchObject({ status: 404, body: '{"error":404,"message":"No such item"}' });
      expect(answer.headers["content-type"]).toBe("application/json");
    }
    for (const answer of await served.both("/items/7", { method: "DELETE", headers })) {
      expect(answer).toMatchObject({ status: 405, body: '{"error":405,"message":"Method Not Allowed"}' });
      expect(answer.headers.allow).toBe("GET, HEAD, OPTIONS, POST");
    }
  });

  it("keeps the class's own handleException, answering what it returns as JSON", async () => {
    for (const answer of await served.both("/rescuing", { headers: { accept: BROWSER } })) expect(answer).toMatchObject({ status: 200, body: '{"rescued":"inner"}' });
  });

  it("returns a subclass of the class, with its name", () => {
    const View = jsonView(Items);
    expect(View.prototype).toBeInstanceOf(Items);
    expect(View.name).toBe("Items");
  });
});

describe("a JSON view's route answers the router's own 404 and 405 as JSON", () => {
  it("405 for a method its methods leave out, without jsonErrors on the route", async () => {
    for (const path of ["/post-only", "/class-post-only"]) {
      for (const answer of await served.both(path, { headers: { accept: BROWSER } })) {
        expect(answer).toMatchObject({ status: 405, body: '{"error":405,"message":"Method Not Allowed"}' });
        expect(answer.headers["content-type"]).toBe("application/json");
        expect(answer.headers.allow).toBe("OPTIONS, POST");
      }
    }
  });

  it("404 for a path its pattern matches but whose route does not (a trailing slash here)", async () => {
    for (const answer of await served.both("/api/7/", { headers: { accept: BROWSER } })) {
      expect(answer.status).toBe(404);
      expect(answer.headers["content-type"]).toBe("text/html; charset=utf-8");
    }
    const app = new Application([new Route("/api/:id", jsonView(() => ({ ok: true })), { methods: ["GET"], schemes: ["https"] })]);
    const res = await app.getResponse("http://localhost/api/7", { headers: { accept: BROWSER } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/json");
  });
});
