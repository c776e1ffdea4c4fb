/** The example application `npm start` serves answers as its README promises. */
import { describe, expect, it } from "vitest";
import { app } from "../examples/app.js";

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
