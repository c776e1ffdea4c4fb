/**
 * lib/cli.ts: `handlerkit serve` arguments. The command runs as a
 * real process in spec/e2e/server-run.spec.ts.
 */
import { describe, expect, it } from "vitest";
import { availableParallelism } from "node:os";
import { parseServeArgs } from "../lib/cli.js";

describe("parseServeArgs()", () => {
  it("reads the module and the options", () => {
    expect(parseServeArgs(["serve", "app.js"])).toEqual({ module: "app.js", options: {} });
    expect(parseServeArgs(["serve", "--workers", "4", "--port", "0", "--host", "127.0.0.1", "dist/app.js"])).toEqual({
      module: "dist/app.js",
      options: { workers: 4, port: 0, host: "127.0.0.1" },
    });
    expect(parseServeArgs(["serve", "app.js", "--workers=auto", "--port=3000"])).toEqual({
      module: "app.js",
      options: { workers: availableParallelism(), port: 3000 },
    });
  });

  it("says what is wrong", () => {
    expect(() => parseServeArgs([])).toThrow("no command given");
    expect(() => parseServeArgs(["start", "app.js"])).toThrow('unknown command "start"');
    expect(() => parseServeArgs(["serve"])).toThrow("no app module given");
    expect(() => parseServeArgs(["serve", "a.js", "b.js"])).toThrow('one app module only, got "a.js" and "b.js"');
    expect(() => parseServeArgs(["serve", "--workers", "0", "a.js"])).toThrow('--workers must be a positive whole number or "auto", not "0"');
    expect(() => parseServeArgs(["serve", "--port", "http", "a.js"])).toThrow('--port must be a port number, not "http"');
    expect(() => parseServeArgs(["serve", "a.js", "--port"])).toThrow("--port needs a value");
    expect(() => parseServeArgs(["serve", "--verbose", "a.js"])).toThrow("unknown option --verbose");
  });
});
