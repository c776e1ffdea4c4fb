/**
 * `app.run({ workers })` as real processes: a primary forks the
 * workers, which share the port; a killed worker is replaced while the
 * others keep serving; SIGTERM drains every worker and the primary exits 0.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent, request } from "undici";
import { serve, type Served } from "./fixtures/child.js";
import { compileLib, type CompiledLib } from "./fixtures/compile-lib.js";

let lib: CompiledLib;
let served: Served | undefined;
beforeAll(() => {
  lib = compileLib();
});
afterAll(() => {
  served?.child.kill("SIGKILL");
  lib.remove();
});

/** Ask for the serving worker's pid on a fresh connection, so the primary picks a worker each time. */
async function workerPid(origin: string): Promise<{ status: number; pid: number }> {
  const res = await request(`${origin}/pid`, { headers: { connection: "close" }, dispatcher: new Agent({ pipelining: 0 }) });
  return { status: res.statusCode, pid: Number(await res.body.text()) };
}

/** Ask until `enough` holds (a new worker may take a moment to start listening), every answer a 200. */
async function pidsUntil(origin: string, enough: (pids: Set<number>) => boolean, tries = 100): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < tries && !enough(pids); i++) {
    const { status, pid } = await workerPid(origin);
    expect(status).toBe(200);
    pids.add(pid);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return pids;
}

describe("app.run({ workers: 2 })", () => {
  it("serves from 2 workers, replaces a killed one without dropping requests, and shuts down on SIGTERM", async () => {
    served = serve(lib.index, { PORT: "0", HOST: "127.0.0.1", WORKERS: "2" });
    const [, origin] = await served.waitFor(/handlerkit listening on (http:\/\/127\.0\.0\.1:\d+)\/ with 2 workers \(primary (\d+)\)\n/);
    const primary = served.child.pid!;
    expect(served.output()).toContain(`(primary ${primary})`);

    const first = await pidsUntil(origin!, (pids) => pids.size === 2);
    expect(first.size).toBe(2);
    expect(first.has(primary)).toBe(false);

    const [victim, survivor] = [...first] as [number, number];
    process.kill(victim, "SIGKILL");
    await served.waitFor(new RegExp(`worker ${victim} exited \\(SIGKILL\\); starting another in 50 ms\\n`));

    // Requests keep being served while the worker is replaced.
    const during: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { status, pid } = await workerPid(origin!);
      expect(status).toBe(200);
      during.push(pid);
    }
    expect(during).not.toContain(victim);
    expect(during).toContain(survivor);

    await served.waitFor(/(?:startup \d+\n[^]*){3}/);
    const after = await pidsUntil(origin!, (pids) => pids.size === 2);
    expect(after.size).toBe(2);
    expect(after.has(victim)).toBe(false);
    expect(after.has(survivor)).toBe(true);
    const replacement = [...after].find((pid) => pid !== survivor)!;
    await served.waitFor(new RegExp(`startup ${replacement}\\n`));

    // A worker that dies again soon after its restart waits twice as long.
    process.kill(replacement, "SIGKILL");
    await served.waitFor(new RegExp(`worker ${replacement} exited \\(SIGKILL\\); starting another in 100 ms\\n`));
    await served.waitFor(/(?:startup \d+\n[^]*){4}/);
    const third = await pidsUntil(origin!, (pids) => pids.size === 2);
    const again = [...third].find((pid) => pid !== survivor)!;
    expect(third.size).toBe(2);
    expect(third.has(replacement)).toBe(false);
    expect(third.has(survivor)).toBe(true);

    served.child.kill("SIGTERM");
    expect(await served.exited).toEqual({ code: 0, signal: null });
    expect(served.output()).toContain(`shutdown ${survivor}\n`);
    expect(served.output()).toContain(`shutdown ${again}\n`);
    for (const pid of [survivor, again]) expect(() => process.kill(pid, 0)).toThrow();
    await expect(request(`${origin}/pid`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
