/**
 * `app.run()` as a real process: it reads PORT and HOST, prints
 * the address, and on SIGTERM lets in-flight requests finish, runs the
 * shutdown hooks and exits 0.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { serve, type Served } from "./fixtures/child.js";
import { compileLib, type CompiledLib } from "./fixtures/compile-lib.js";

let lib: CompiledLib;
const running: Served[] = [];
beforeAll(() => {
  lib = compileLib();
});
afterAll(() => {
  for (const served of running) served.child.kill("SIGKILL");
  lib.remove();
});

describe("app.run()", () => {
  it("listens on PORT and HOST, prints the address, and drains on SIGTERM before exiting 0", async () => {
    const served = serve(lib.index, { PORT: "0", HOST: "127.0.0.1" });
    running.push(served);
    const [, origin] = await served.waitFor(/handlerkit listening on (http:\/\/127\.0\.0\.1:\d+)\/\n/);
    const pid = served.child.pid!;
    expect(served.output()).toContain(`startup ${pid}\n`);

    const who = await request(`${origin}/pid`);
    expect(await who.body.text()).toBe(String(pid));

    const slow = request(`${origin}/slow`).then(async (res) => ({ status: res.statusCode, body: await res.body.text() }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    served.child.kill("SIGTERM");
    expect(await slow).toEqual({ status: 200, body: "slow done" });
    expect(await served.exited).toEqual({ code: 0, signal: null });
    expect(served.output()).toContain(`shutdown ${pid}\n`);
    await expect(request(`${origin}/pid`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("also stops gracefully on SIGINT", async () => {
    const served = serve(lib.index, { PORT: "0", HOST: "127.0.0.1" });
    running.push(served);
    await served.waitFor(/handlerkit listening on /);
    served.child.kill("SIGINT");
    expect(await served.exited).toEqual({ code: 0, signal: null });
    expect(served.output()).toContain(`shutdown ${served.child.pid}\n`);
  });

  it("refuses a PORT that is not a port number", async () => {
    const served = serve(lib.index, { PORT: "eighty", HOST: "127.0.0.1" });
    running.push(served);
    const { code } = await served.exited;
    expect(code).not.toBe(0);
    expect(served.output()).toContain('PORT must be a port number, not "eighty".');
  });
});

describe("handlerkit serve", () => {
  it("imports the app module, runs it on --port and --host, and stops on SIGTERM", async () => {
    const cli = join(dirname(lib.index), "cli.js");
    const appModule = fileURLToPath(new URL("./fixtures/app-module.mjs", import.meta.url));
    const served = serve(lib.index, {}, [cli, "serve", "--port", "0", "--host", "127.0.0.1", appModule]);
    running.push(served);
    const [, origin] = await served.waitFor(/handlerkit listening on (http:\/\/127\.0\.0\.1:\d+)\/\n/);
    const res = await request(`${origin}/`);
    expect(await res.body.text()).toBe(`served by the cli in ${served.child.pid}`);
    served.child.kill("SIGTERM");
    expect(await served.exited).toEqual({ code: 0, signal: null });
  });

  it("exits 2 with the usage for a module that exports no application", async () => {
    const cli = join(dirname(lib.index), "cli.js");
    const notAnApp = fileURLToPath(new URL("./fixtures/not-an-app.mjs", import.meta.url));
    const served = serve(lib.index, {}, [cli, "serve", notAnApp]);
    running.push(served);
    expect(await served.exited).toEqual({ code: 2, signal: null });
    expect(served.output()).toContain(`handlerkit: ${notAnApp} exports no application (as default or as "app")\n\nusage: handlerkit serve `);
  });

  it("exits 2 with a one-line error for an unknown option, and 0 after printing --version or --help", async () => {
    const cli = join(dirname(lib.index), "cli.js");
    const bad = serve(lib.index, {}, [cli, "serve", "--prot", "80", "app.js"]);
    running.push(bad);
    expect(await bad.exited).toEqual({ code: 2, signal: null });
    expect(bad.output()).toMatch(/^handlerkit: unknown option --prot\n\nusage: handlerkit serve /);
    const version = serve(lib.index, {}, [cli, "--version"]);
    running.push(version);
    expect(await version.exited).toEqual({ code: 0, signal: null });
    expect(version.output()).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
    const help = serve(lib.index, {}, [cli, "serve", "-h"]);
    running.push(help);
    expect(await help.exited).toEqual({ code: 0, signal: null });
    expect(help.output()).toMatch(/^usage: handlerkit serve .*\n\nServe an app module /);
  });
});
