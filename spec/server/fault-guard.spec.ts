/**
 * lib/server/fault-guard.ts: unhandled rejections are logged while an
 * application listens, and the listener goes away with the last one.
 */
import { describe, expect, it } from "vitest";
import { Application } from "../../lib/index.js";
import { watchUnhandledRejections } from "../../lib/server/fault-guard.js";

const count = () => process.listenerCount("unhandledRejection");

describe("watchUnhandledRejections()", () => {
  it("adds one process listener for any number of watchers and removes it with the last", () => {
    const before = count();
    const first = watchUnhandledRejections({ error() {} });
    const second = watchUnhandledRejections({ error() {} });
    expect(count()).toBe(before + 1);
    first();
    first();
    expect(count()).toBe(before + 1);
    second();
    expect(count()).toBe(before);
  });

  it("logs a rejection through the first watcher's logger, and survives a logger that throws", () => {
    const logged: unknown[][] = [];
    const release = watchUnhandledRejections({ error: (...args) => void logged.push(args) });
    const broken = watchUnhandledRejections({ error: () => { throw new Error("broken logger"); } });
    const reason = new Error("lost");
    process.emit("unhandledRejection", reason, Promise.resolve());
    expect(logged).toEqual([["unhandled promise rejection (a promise nobody awaited); the process keeps serving", reason]]);
    release();
    expect(() => process.emit("unhandledRejection", reason, Promise.resolve())).not.toThrow();
    broken();
  });

  it("is on while an application listens and off once it closed", async () => {
    const before = count();
    const app = new Application([], { logger: { error() {} } });
    await app.listen(0, "127.0.0.1");
    expect(count()).toBe(before + 1);
    await app.close();
    expect(count()).toBe(before);
  });
});
