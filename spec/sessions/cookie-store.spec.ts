/** The cookie store: the whole session in its signed cookie, nothing on the server. */
import { describe, expect, it } from "vitest";
import { Application, CookieStore, sessions, type Request } from "../../lib/index.js";
import { inProcessVisitor } from "../support/cookie-jar.js";

const SECRET = "c".repeat(32);

function instance(logged: unknown[][] = []) {
  const app = new Application([], { secrets: [SECRET], logger: { error: (...args: unknown[]) => logged.push(args) } });
  app.use(sessions());
  app.route("/put")(async (request: Request) => {
    await request.session.set("blob", request.query.get("blob"));
    return "ok";
  });
  app.route("/blob")(async (request: Request) => ({ length: ((await request.session.get<string>("blob")) ?? "").length }));
  return app;
}

describe("CookieStore", () => {
  it("keeps the data in the cookie, so another instance with the same secrets reads it", async () => {
    const visit = inProcessVisitor(instance());
    await visit("/put?blob=abc");
    const payload = visit.jar.cookies.get("session")!.split(".")[0]!;
    expect(JSON.parse(Buffer.from(payload, "base64url").toString())).toMatchObject({ data: { blob: "abc" } });
    const elsewhere = inProcessVisitor(instance(), visit.jar);
    expect(await (await elsewhere("/blob")).json()).toEqual({ length: 3 });
  });

  it("refuses to save a session over the 4 KB a browser keeps, saying what to do (a logged 500, no cookie)", async () => {
    const logged: unknown[][] = [];
    const visit = inProcessVisitor(instance(logged));
    const fits = await visit(`/put?blob=${"x".repeat(2800)}`);
    expect(fits.status).toBe(200);
    const res = await visit(`/put?blob=${"x".repeat(3200)}`);
    expect(res.status).toBe(500);
    expect(res.headers.has("set-cookie")).toBe(false);
    expect((logged[0]![1] as Error).message).toMatch(
      /^Cookie "session" is 4\d{3} bytes, over the 4096 bytes browsers keep \(they drop it without a word\): the cookie store keeps the whole session in its cookie: keep less in the session, or keep it on the server with sessions\(\{ store: new RedisStore\(\{ client \}\) \}\)\.$/,
    );
    expect(await (await visit("/blob")).json()).toEqual({ length: 2800 });
  });

  it("reads what is not a record as nothing", () => {
    const store = new CookieStore();
    for (const id of ["", "{", "[]", "null", '{"data":1,"created":0}', '{"data":{},"created":"x"}']) expect(store.get(id)).toBeUndefined();
    expect(store.get(store.set("ignored", { data: { a: 1 }, created: 5 }))).toEqual({ data: { a: 1 }, created: 5 });
  });
});
