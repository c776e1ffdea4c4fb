/** The in-memory store: bounded, expiring, and holding copies. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryStore } from "../../lib/index.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("MemoryStore", () => {
  it("keeps copies, so a change to a loaded record is not a change to the stored one", () => {
    const store = new MemoryStore();
    const record = { data: { list: [1] }, created: 1 };
    store.set("a", record, 60);
    record.data.list.push(2);
    const loaded = store.get("a")!;
    (loaded.data.list as number[]).push(3);
    expect(store.get("a")).toEqual({ data: { list: [1] }, created: 1 });
  });

  it("expires entries after their time to live, and touch() extends it", () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 0 });
    const store = new MemoryStore();
    store.set("a", { data: {}, created: 0 }, 10);
    store.set("b", { data: {}, created: 0 }, 10);
    vi.advanceTimersByTime(9_000);
    store.touch("b", 10);
    vi.advanceTimersByTime(1_000);
    expect(store.get("a")).toBeUndefined();
    expect(store.get("b")).toEqual({ data: {}, created: 0 });
    vi.advanceTimersByTime(9_000);
    expect(store.get("b")).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it("holds at most maxEntries, dropping the least recently saved", () => {
    const store = new MemoryStore({ maxEntries: 3 });
    for (const id of ["a", "b", "c"]) store.set(id, { data: { id }, created: 0 }, 60);
    store.set("a", { data: { id: "a" }, created: 0 }, 60);
    store.set("d", { data: { id: "d" }, created: 0 }, 60);
    expect(store.size).toBe(3);
    expect(["a", "b", "c", "d"].map((id) => store.get(id) !== undefined)).toEqual([true, false, true, true]);
    store.destroy("a");
    expect(store.get("a")).toBeUndefined();
    expect(() => new MemoryStore({ maxEntries: 0 })).toThrow(new RangeError("maxEntries is a positive integer, not 0."));
  });
});
