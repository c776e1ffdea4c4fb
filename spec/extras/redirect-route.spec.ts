import { describe, expect, it } from "vitest";
import { Application, RedirectRoute, Route, type Request } from "../../lib/index.js";

describe("RedirectRoute", () => {
  const app = new Application([
    new Route("/posts/:year/:slug", (_r: Request, p: { year: string; slug: string }) => `${p.year}/${p.slug}`, { name: "post" }),
    new RedirectRoute("/blog/:year/:slug", { name: "post" }),
    new RedirectRoute("/home", "/", { permanent: false }),
    new RedirectRoute("/search", (request) => `/find?${request.queryString}`, { status: 307 }),
    new RedirectRoute("/docs/", "/documentation/", { strictSlash: true }),
    new RedirectRoute("/bad", "javascript:alert(1)"),
  ]);
  app.logger = { error() {} };

  it("redirects permanently (301) to a named route, with the params it matched", async () => {
    const res = await app.getResponse("/blog/2024/hello");
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/posts/2024/hello");
  });

  it("redirects to a URL (302 when not permanent) or a function's result, with any 3xx", async () => {
    const home = await app.getResponse("/home");
    expect(home.status).toBe(302);
    expect(home.headers.get("location")).toBe("/");
    const search = await app.getResponse("/search?q=tea", { method: "POST" });
    expect(search.status).toBe(307);
    expect(search.headers.get("location")).toBe("/find?q=tea");
  });

  it("strictSlash: the other form of the path redirects to the route's form first", async () => {
    const other = await app.getResponse("/docs");
    expect(other.status).toBe(301);
    expect(other.headers.get("location")).toBe("/docs/");
    const own = await app.getResponse("/docs/");
    expect(own.status).toBe(301);
    expect(own.headers.get("location")).toBe("/documentation/");
  });

  it("refuses dangerous targets (a 500, never sent)", async () => {
    const res = await app.getResponse("/bad");
    expect(res.status).toBe(500);
    expect(res.headers.has("location")).toBe(false);
  });

  it("refuses a non-3xx status at registration", () => {
    expect(() => new RedirectRoute("/x", "/", { status: 200 })).toThrow("A redirect status is 3xx, not 200.");
  });
});
