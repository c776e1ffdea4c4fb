/**
 * Route schemas over real sockets: valid and invalid JSON bodies, a
 * multipart form with a file, a query and converted params, answered 422
 * with the issue paths, and the OpenAPI document served by the app itself.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { FormData } from "undici";
import { z } from "zod";
import { UploadedFile } from "../../lib/index.js";
import { overSocket } from "../support/listening.js";
import { validationApp } from "../support/validation-app.js";

const JSON_HEADERS = { "content-type": "application/json", accept: "application/json" };

function app() {
  const app = validationApp();
  const Upload = z.object({ title: z.string().min(1), file: z.instanceof(UploadedFile) });
  app.route("/uploads", { methods: ["POST"], schema: { body: Upload } })((request) => {
    const { title, file } = request.valid("body");
    return { title, filename: file.filename, size: file.size };
  });
  app.route("/openapi.json")(() => app.openapi({ info: { title: "Todos", version: "1.0.0" } }));
  return app;
}

describe("route schemas over a socket", () => {
  it("answers valid requests with the schema's output, and invalid ones 422 with the issue paths", async () => {
    await overSocket(app(), async (fetch) => {
      const created = await fetch("/todos", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ title: "Milk", tags: [{ name: "shop" }] }) });
      expect([created.status, created.headers["content-type"], JSON.parse(created.text)]).toEqual([201, "application/json", { id: 1, title: "Milk", tags: [{ name: "shop" }] }]);

      const invalid = await fetch("/todos", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ tags: [{ name: "a" }, {}] }) });
      expect([invalid.status, JSON.parse(invalid.text)]).toEqual([
        422,
        {
          error: 422,
          message: "Invalid request body: title: Invalid input: expected string, received undefined (and 1 more issue)",
          detail: [
            { path: "title", message: "Invalid input: expected string, received undefined" },
            { path: "tags.1.name", message: "Invalid input: expected string, received undefined" },
          ],
        },
      ]);

      const signup = await fetch("/signup", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ user: "grace", email: "grace" }) });
      expect([signup.status, JSON.parse(signup.text).detail]).toEqual([422, [{ path: "email", message: 'Invalid email: Received "grace"' }]]);

      const broken = await fetch("/todos", { method: "POST", headers: JSON_HEADERS, body: "{" });
      expect(broken.status).toBe(400);
    });
  });

  it("checks the query and the converted params", async () => {
    await overSocket(app(), async (fetch) => {
      const page = await fetch("/todos?page=2&tag=a", { headers: { accept: "application/json" } });
      expect([page.status, JSON.parse(page.text)]).toEqual([200, { page: 2, tag: "a" }]);
      const zero = await fetch("/todos?page=0", { headers: { accept: "application/json" } });
      expect([zero.status, JSON.parse(zero.text).detail]).toEqual([422, [{ path: "page", message: "Too small: expected number to be >=1" }]]);
      const todo = await fetch("/todos/12", { headers: { accept: "application/json" } });
      expect([todo.status, JSON.parse(todo.text)]).toEqual([200, { id: 12, title: "Read", tags: [] }]);
      const none = await fetch("/todos/0", { headers: { accept: "application/json" } });
      expect([none.status, JSON.parse(none.text).detail]).toEqual([422, [{ path: "id", message: "Too small: expected number to be >=1" }]]);
    });
  });

  it("validates a multipart form, its file part an UploadedFile", async () => {
    await overSocket(app(), async (fetch) => {
      const form = new FormData();
      form.set("title", "Report");
      form.set("file", new Blob(["12345"], { type: "text/plain" }), "report.txt");
      const ok = await fetch("/uploads", { method: "POST", body: form, headers: { accept: "application/json" } });
      expect([ok.status, JSON.parse(ok.text)]).toEqual([200, { title: "Report", filename: "report.txt", size: 5 }]);
      const missing = new FormData();
      missing.set("title", "");
      const bad = await fetch("/uploads", { method: "POST", body: missing, headers: { accept: "application/json" } });
      expect([bad.status, JSON.parse(bad.text).detail.map((issue: { path: string }) => issue.path)]).toEqual([422, ["title", "file"]]);
    });
  });

  it("serves its own OpenAPI document, valid OpenAPI 3.1", async () => {
    await overSocket(app(), async (fetch) => {
      const res = await fetch("/openapi.json");
      expect(res.status).toBe(200);
      const document = JSON.parse(res.text);
      expect(Object.keys(document.paths)).toContain("/uploads");
      expect((await new Validator().validate(document)).valid).toBe(true);
    });
  });
});
