import { describe, expect, it } from "vitest";
import { Application, RequestHandler, Route, Response } from "../lib/index.js";

class ProductHandler extends RequestHandler {
  async get(productId: string) {
    this.response.write(`You requested product ${productId}.`);
  }
}
class PostHandler extends RequestHandler {
  get(params: { year: string; slug: string }) {
    return { year: params.year, slug: params.slug };
  }
}
class UserHandler extends RequestHandler {
  get(params: { id: string }) { return `user ${params.id}`; }
  put(params: { id: string }) { return 204; }
}
describe("smoke", () => {
  it("works", async () => {
    const app = new Application([
      [/^\/products\/(\d+)$/, ProductHandler],
      ["/blog/:year/:slug", PostHandler],
      new Route("/users/:id", UserHandler, { name: "user", methods: ["GET", "PUT"] }),
    ]);
    app.route("/")((request) => "Hello, world!");
    @app.route("/health") class Health extends RequestHandler { get() { return 204; } }
    let res = await app.getResponse("/products/7");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("You requested product 7.");
    res = await app.getResponse("/blog/2024/hello%2Fworld");
    expect(await res.json()).toEqual({ year: "2024", slug: "hello/world" });
    res = await app.getResponse("/");
    expect(await res.text()).toBe("Hello, world!");
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    res = await app.getResponse("/health");
    expect(res.status).toBe(204);
    res = await app.getResponse("/users/1", { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, PUT");
    res = await app.getResponse("/nope");
    expect(res.status).toBe(404);
    expect(app.uriFor("user", { id: 5, x: "y z" })).toBe("/users/5?x=y+z");
    const server = await app.listen(0, "127.0.0.1");
    const { port } = app.address!;
    const r = await fetch(`http://127.0.0.1:${port}/products/9`);
    expect(await r.text()).toBe("You requested product 9.");
    await app.close();
    expect(server.listening).toBe(false);
    void Health;
  });
});
