import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { Application, RequestHandler, getApp, getRequest } from "../../lib/index.js";

// A helper deep in a call chain, with no request passed to it.
async function audit() {
  await sleep(1);
  return { path: getRequest()?.rawPath, sameApp: getApp() !== undefined };
}

describe("getRequest() and getApp()", () => {
  it("return the current request and app anywhere in its async call chain", async () => {
    class Page extends RequestHandler {
      async get() {
        return { handler: await audit(), request: getRequest() === this.request, app: getApp() === this.app };
      }
    }
    const app = new Application([["/page", Page], ["/fn", async () => audit()]]);
    expect(await (await app.getResponse("/page")).json()).toEqual({ handler: { path: "/page", sameApp: true }, request: true, app: true });
    expect(await (await app.getResponse("/fn")).json()).toEqual({ path: "/fn", sameApp: true });
  });

  it("keep concurrent requests apart", async () => {
    const app = new Application([["/n/:n", async (_r: unknown, p: { n: string }) => {
      await sleep(Number(p.n) % 3);
      return getRequest()?.rawPath;
    }]]);
    const paths = Array.from({ length: 20 }, (_, i) => `/n/${i}`);
    const bodies = await Promise.all(paths.map(async (path) => (await app.getResponse(path)).text()));
    expect(bodies).toEqual(paths);
  });

  it("work in error views too", async () => {
    const app = new Application();
    app.errorHandlers[404] = () => `missing ${getRequest()?.rawPath}`;
    expect(await (await app.getResponse("/gone")).text()).toBe("missing /gone");
  });

  it("give undefined outside a request, and when the app turns context off", async () => {
    expect(getRequest()).toBeUndefined();
    expect(getApp()).toBeUndefined();
    const app = new Application([["/x", () => String(getRequest())]], { context: false });
    expect(app.context).toBe(false);
    expect(await (await app.getResponse("/x")).text()).toBe("undefined");
  });
});
