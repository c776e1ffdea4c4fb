import { describe, expect, it } from "vitest";
import { Application, BadRequest, HttpError, JsonHandler, Route, jsonView } from "../../lib/index.js";
import { problemDetailsOf } from "../../lib/views/problem-details.js";
import { Request } from "../../lib/core/request.js";

const quiet = { error() {} };

describe("problem details (RFC 9457)", () => {
  it("answers JSON errors as application/problem+json when the app asks", async () => {
    const app = new Application(
      [["/users/:id", () => { throw new BadRequest("Invalid id", { detail: { id: ["not a number"] } }); }]],
      { problemDetails: true, logger: quiet },
    );
    const res = await app.getResponse("/users/x", { headers: { accept: "application/json" } });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toEqual({
      type: "about:blank",
      title: "Bad Request",
      status: 400,
      detail: "Invalid id",
      instance: "/users/x",
      errors: { id: ["not a number"] },
    });
  });

  it("leaves out detail when the message is the title, and hides 5xx messages outside debug", async () => {
    const app = new Application([["/boom", () => { throw new Error("secret"); }]], { problemDetails: true, logger: quiet });
    const missing = await app.getResponse("/nowhere", { headers: { accept: "application/problem+json" } });
    expect(await missing.json()).toEqual({ type: "about:blank", title: "Not Found", status: 404, instance: "/nowhere" });
    const boom = await app.getResponse("/boom", { headers: { accept: "application/json" } });
    expect(boom.status).toBe(500);
    const body = await boom.text();
    expect(JSON.parse(body)).toEqual({ type: "about:blank", title: "Internal Server Error", status: 500, instance: "/boom" });
    expect(body).not.toContain("secret");
  });

  it("keeps HTML and text for clients that want them", async () => {
    const app = new Application([], { problemDetails: true });
    const res = await app.getResponse("/x", { headers: { accept: "text/html" } });
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
  });

  it("can be set per route, either way", async () => {
    const app = new Application(
      [
        new Route("/problem", () => { throw new HttpError(409, { message: "Taken" }); }, { problemDetails: true }),
        new Route("/plain", () => { throw new HttpError(409, { message: "Taken" }); }, { problemDetails: false }),
      ],
      { problemDetails: false },
    );
    const accept = { accept: "application/json" };
    const problem = await app.getResponse("/problem", { headers: accept });
    expect(problem.headers.get("content-type")).toBe("application/problem+json");
    expect(await problem.json()).toEqual({ type: "about:blank", title: "Conflict", status: 409, detail: "Taken", instance: "/problem" });
    const plain = await app.getResponse("/plain", { headers: accept });
    expect(plain.headers.get("content-type")).toBe("application/json");
    expect(await plain.json()).toEqual({ error: 409, message: "Taken" });
  });

  it("replaces the jsonview shape in JSON views and JsonHandler too", async () => {
    class Api extends JsonHandler {
      get() {
        this.abort(403, { message: "Members only" });
      }
    }
    const app = new Application(
      [["/api", Api], ["/fn", jsonView(() => { throw new Error("x"); })]],
      { problemDetails: true, logger: quiet },
    );
    const api = await app.getResponse("/api");
    expect(api.status).toBe(403);
    expect(api.headers.get("content-type")).toBe("application/problem+json");
    expect(await api.json()).toEqual({ type: "about:blank", title: "Forbidden", status: 403, detail: "Members only", instance: "/api" });
    const fn = await app.getResponse("/fn");
    expect(await fn.json()).toEqual({ type: "about:blank", title: "Internal Server Error", status: 500, detail: "An error occurred", instance: "/fn" });
  });

  it("uses an error's own type URI", () => {
    const error = Object.assign(new HttpError(402, { message: "Top up" }), { type: "https://example.com/probs/credit" });
    expect(problemDetailsOf(Request.blank("/pay"), error, false)).toEqual({
      type: "https://example.com/probs/credit",
      title: "Payment Required",
      status: 402,
      detail: "Top up",
      instance: "/pay",
    });
  });
});
