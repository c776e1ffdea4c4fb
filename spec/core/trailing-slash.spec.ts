import { describe, expect, it } from "vitest";
import { Application, Route, type Request } from "../../lib/index.js";

const where = (request: Request) => `${request.method} ${request.rawPath}`;

describe("trailing-slash policy", () => {
  it("strict by default: the other form is a 404", async () => {
    const app = new Application([["/docs", where], ["/guide/", where]]);
    expect((await app.getResponse("/docs/")).status).toBe(404);
    expect((await app.getResponse("/guide")).status).toBe(404);
  });

  it("redirect: 301 for GET and HEAD, 308 for other methods, query kept", async () => {
    const app = new Application([["/docs", where], ["/guide/", where]], { trailingSlash: "redirect" });
    const get = await app.getResponse("/docs/?page=2");
    expect(get.status).toBe(301);
    expect(get.headers.get("location")).toBe("/docs?page=2");
    const head = await app.getResponse("/guide", { method: "HEAD" });
    expect(head.status).toBe(301);
    expect(head.headers.get("location")).toBe("/guide/");
    const post = await app.getResponse("/guide", { method: "POST", json: { a: 1 } });
    expect(post.status).toBe(308);
    expect(post.headers.get("location")).toBe("/guide/");
    expect(await (await app.getResponse("/docs")).text()).toBe("GET /docs");
  });

  it("redirect targets stay on this site: leading slashes collapse", async () => {
    const app = new Application([[/^\/+evil\.example\/x$/, where]], { trailingSlash: "redirect" });
    const res = await app.getResponse("//evil.example/x/");
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/evil.example/x");
  });

  it("ignore: both forms are served, without a redirect", async () => {
    const app = new Application([new Route("/docs", where, { trailingSlash: "ignore" }), ["/strict", where]]);
    expect(await (await app.getResponse("/docs/")).text()).toBe("GET /docs/");
    expect(await (await app.getResponse("/docs")).text()).toBe("GET /docs");
    expect((await app.getResponse("/strict/")).status).toBe(404);
  });

  it("a route's own policy wins over the app's", async () => {
    const app = new Application([new Route("/a", where, { trailingSlash: "strict" }), ["/b", where]], { trailingSlash: "ignore" });
    expect((await app.getResponse("/a/")).status).toBe(404);
    expect(await (await app.getResponse("/b/")).text()).toBe("GET /b/");
  });

  it("keeps route order and methods: an exact match always wins, a method the route refuses is not redirected", async () => {
    const app = new Application(
      [new Route("/x/", () => "slash", { methods: ["GET"] }), new Route("/x", () => "plain", { methods: ["POST"] })],
      { trailingSlash: "redirect" },
    );
    expect(await (await app.getResponse("/x/")).text()).toBe("slash");
    expect(await (await app.getResponse("/x", { method: "POST" })).text()).toBe("plain");
    expect((await app.getResponse("/x/", { method: "DELETE" })).status).toBe(405);
    // GET /x: the only route for GET is /x/, and /x refuses GET (405 wins over a redirect).
    expect((await app.getResponse("/x")).status).toBe(405);
  });
});
