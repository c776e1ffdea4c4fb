/** The example application `npm start` serves answers as its README promises. */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { app } from "../examples/app.js";
import { inProcessVisitor } from "./support/cookie-jar.js";

describe("examples/app.ts", () => {
  it("serves the index page, a greeting, JSON and errors", async () => {
    const index = await app.getResponse("/");
    expect(index.status).toBe(200);
    expect(await index.text()).toContain("<h1>handlerkit example</h1>");

    const hello = await app.getResponse("/hello/ada");
    expect(hello.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await hello.text()).toBe("Hello, ada!\n(this page is /hello/ada)\n");

    const product = await app.getResponse("/products/1");
    expect(await product.json()).toEqual({ id: "1", name: "Teapot", price: 18 });
    expect(await (await app.getResponse("/products")).json()).toHaveLength(2);

    const missing = await app.getResponse("/products/99", { headers: { accept: "application/json" } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 404, message: "No product 99." });

    const logger = app.logger;
    app.logger = { error() {} };
    const boom = await app.getResponse("/boom");
    app.logger = logger;
    expect(boom.status).toBe(500);
  });
});

describe("examples/app.ts: converters, SSE and typed routes", () => {
  it("converts /orders/:id to a number and 404s what is not one", async () => {
    expect(await (await app.getResponse("/orders/7")).json()).toEqual({ order: 7, next: 8 });
    expect((await app.getResponse("/orders/x")).status).toBe(404);
  });

  it("streams the clock as text/event-stream", async () => {
    const res = await app.getResponse("/clock");
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = res.toReadable()!;
    const first = String(await new Promise((resolve) => reader.once("data", resolve)));
    reader.destroy();
    expect(first).toMatch(/^id: 0\nevent: tick\ndata: \{"now":"[^"]+"\}\n\n$/);
  });
});

describe("examples/accounts.ts: logging in", () => {
  it("sends a visitor to the login form, logs ada in with her password and out again", async () => {
    const visit = inProcessVisitor(app);
    const html = { accept: "text/html" };
    const away = await visit("/account", { headers: html });
    expect(away.status).toBe(302);
    expect(away.headers.get("location")).toBe("/login?next=%2Faccount");
    const page = await (await visit("/login?next=%2Faccount", { headers: html })).text();
    const token = /name="csrf_token" value="([^"]+)"/.exec(page)![1]!;
    expect(page).toContain('name="next" value="/account"');
    const wrong = await visit("/login", { method: "POST", headers: html, form: { csrf_token: token, user: "ada", password: "babbage" } });
    expect(wrong.headers.get("location")).toBe("/login");
    expect(await (await visit("/login", { headers: html })).text()).toContain('<p class="error">Wrong user name or password.</p>');
    const ok = await visit("/login", { method: "POST", headers: html, form: { csrf_token: token, user: "ada", password: "lovelace", next: "/account" } });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/account");
    const account = await (await visit("/account", { headers: html })).text();
    expect(account).toContain('<p class="success">Welcome, Ada Lovelace.</p><h1>Ada Lovelace</h1>');
    const logoutToken = /name="csrf_token" value="([^"]+)"/.exec(account)![1]!;
    expect((await visit("/logout", { method: "POST", headers: html })).status).toBe(403);
    expect((await visit("/logout", { method: "POST", headers: html, form: { csrf_token: logoutToken } })).status).toBe(303);
    expect((await visit("/account", { headers: html })).status).toBe(302);
  });
});

describe("examples/app.ts: middleware", () => {
  it("serves public/ under /static, compressed for clients that accept it", async () => {
    const css = readFileSync(new URL("../examples/public/style.css", import.meta.url));
    const plain = await app.getResponse("/static/style.css");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(plain.headers.get("cache-control")).toBe("public, max-age=3600");
    expect((await plain.bytes()).equals(css)).toBe(true);
    // Served before the sessions middleware: no session, no cookie.
    expect(plain.headers.has("set-cookie")).toBe(false);

    const gzipped = await app.getResponse("/static/style.css", { headers: { "accept-encoding": "gzip" } });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(gzipped.headers.get("vary")).toBe("Accept-Encoding");
    expect(gunzipSync(await gzipped.bytes()).equals(css)).toBe(true);

    expect(await (await app.getResponse("/static/robots.txt")).text()).toBe("User-agent: *\nAllow: /\n");
    expect((await app.getResponse("/static/missing.css")).status).toBe(404);
    expect((await app.getResponse("/static/../app.ts")).status).toBe(400);
    // The routes still answer what public/ does not hold.
    expect(await (await app.getResponse("/")).text()).toContain('<link rel="stylesheet" href="/static/style.css">');
  });
});
