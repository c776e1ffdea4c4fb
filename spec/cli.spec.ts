/**
 * lib/cli.ts: `handlerkit serve` arguments. The command runs as a
 * real process in spec/e2e/server-run.spec.ts.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { availableParallelism } from "node:os";
import { main, parseCommandLine, parseServeArgs } from "../lib/cli.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

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

describe("parseServeArgs() refuses, in one line", () => {
  it("unknown flags, long or short, whatever their name", () => {
    expect(() => parseServeArgs(["serve", "-x", "a.js"])).toThrow(new TypeError("unknown option -x"));
    expect(() => parseServeArgs(["serve", "--constructor", "a.js"])).toThrow(new TypeError("unknown option --constructor"));
    expect(() => parseServeArgs(["serve", "--port", "1", "--workers=2", "--Port=3", "a.js"])).toThrow(new TypeError("unknown option --Port"));
  });

  it("an option without its value, even when an option follows it", () => {
    expect(() => parseServeArgs(["serve", "--port", "--host", "127.0.0.1", "a.js"])).toThrow(new TypeError("--port needs a value"));
    expect(() => parseServeArgs(["serve", "a.js", "--workers"])).toThrow(new TypeError("--workers needs a value"));
    expect(() => parseServeArgs(["serve", "--host=", "a.js"])).toThrow(new TypeError("--host needs a value"));
    expect(() => parseServeArgs(["serve", "--port=", "a.js"])).toThrow(new TypeError('--port must be a port number, not ""'));
    expect(() => parseServeArgs(["serve", "--help=yes", "a.js"])).toThrow(new TypeError("--help takes no value"));
  });

  it("numbers that are not plain decimal ones", () => {
    expect(() => parseServeArgs(["serve", "--port", "0x50", "a.js"])).toThrow(new TypeError('--port must be a port number, not "0x50"'));
    expect(() => parseServeArgs(["serve", "--port", "65536", "a.js"])).toThrow(new TypeError('--port must be a port number, not "65536"'));
    expect(() => parseServeArgs(["serve", "--workers", "2.5", "a.js"])).toThrow(new TypeError('--workers must be a positive whole number or "auto", not "2.5"'));
  });

  it("a module path after -- may start with a dash", () => {
    expect(parseServeArgs(["serve", "--port", "8", "--", "-app.js"])).toEqual({ module: "-app.js", options: { port: 8 } });
  });
});

describe("parseCommandLine()", () => {
  it("reads --help and --version, long or short, before any command", () => {
    expect(parseCommandLine(["--help"])).toEqual({ command: "help" });
    expect(parseCommandLine(["-h"])).toEqual({ command: "help" });
    expect(parseCommandLine(["serve", "--help"])).toEqual({ command: "help" });
    expect(parseCommandLine(["--version"])).toEqual({ command: "version" });
    expect(parseCommandLine(["-v", "serve", "a.js"])).toEqual({ command: "version" });
    expect(parseCommandLine(["serve", "--port", "80", "a.js"])).toEqual({ command: "serve", module: "a.js", options: { port: 80 } });
    expect(() => parseServeArgs(["--version"])).toThrow(new TypeError("--version asks for no serve command"));
  });
});

describe("main()", () => {
  const out: string[] = [];
  const err: string[] = [];
  const exits: (number | undefined)[] = [];
  function spy() {
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void err.push(String(line)));
    vi.spyOn(process, "exit").mockImplementation(((code?: number) => void exits.push(code)) as typeof process.exit);
  }
  afterEach(() => {
    vi.restoreAllMocks();
    out.length = err.length = exits.length = 0;
  });

  it("--help prints the usage and every command on stdout, and does not exit with an error", async () => {
    spy();
    await main(["--help"]);
    expect(exits).toEqual([]);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^usage: handlerkit serve \[--workers N\|auto\] \[--port P\] \[--host H\] app-module\n {7}handlerkit --help \| --version\n\nCommands:\n {2}serve app-module /);
    for (const option of ["--port P", "--host H", "--workers N|auto", "-h, --help", "-v, --version"]) expect(out[0]).toContain(`\n  ${option} `);
  });

  it("--version prints the version of package.json", async () => {
    spy();
    await main(["--version"]);
    expect(out).toEqual([`${version}\n`]);
    expect(exits).toEqual([]);
  });

  it("a usage error is one line on stderr, then the usage, and exit code 2", async () => {
    spy();
    await main(["serve", "--verbose", "a.js"]);
    expect(err).toEqual(["handlerkit: unknown option --verbose\n\nusage: handlerkit serve [--workers N|auto] [--port P] [--host H] app-module\n       handlerkit --help | --version"]);
    expect(exits).toEqual([2]);
    expect(out).toEqual([]);
  });
});
