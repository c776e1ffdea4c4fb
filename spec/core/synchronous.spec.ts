import { describe, expect, it } from "vitest";
import { lazy, RequestHandler } from "../../lib/index.js";
import { runsSynchronously } from "../../lib/core/synchronous.js";

describe("runsSynchronously()", () => {
  const verbs = ["GET", "POST"];
  class Sync extends RequestHandler {
    get() {
      return 1;
    }
  }
  class AsyncPost extends Sync {
    async post() {
      return 2;
    }
  }
  class AsyncDispatch extends Sync {
    override async dispatch() {
      return super.dispatch();
    }
  }
  class Other extends Sync {
    async other() {
      return 3;
    }
  }
  class Getter extends RequestHandler {
    get post() {
      return () => 4;
    }
  }

  it.each([
    ["a plain function", () => 1, true],
    ["an async function", async () => 1, false],
    ["a bound async function", (async () => 1).bind(null), false],
    ["an async generator function", async function* () {}, false],
    ["a class of synchronous methods", Sync, true],
    ["a class with an async verb method", AsyncPost, false],
    ["a class with an async dispatch()", AsyncDispatch, false],
    ["an async method that no verb names", Other, true],
    ["a verb method behind a getter", Getter, false],
    ["a lazy handler", lazy(async () => ({ default: Sync })), false],
    ["an object for a custom adapter", { handle() {} }, false],
  ])("%s → %s", (_what, handler, expected) => {
    expect(runsSynchronously(handler, verbs)).toBe(expected);
  });

  it("counts the route's handlerMethod and only the verbs given", () => {
    expect(runsSynchronously(Other, verbs, "other")).toBe(false);
    expect(runsSynchronously(AsyncPost, ["GET"])).toBe(true);
  });
});
