/**
 * The load generators: `wrk` when installed (lighter on CPU, so more of a
 * 2-core machine is left to the server), else `autocannon` in process. Both
 * report requests per second and the 99th percentile latency.
 */
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import type { Target } from "./scenarios.js";

/** What one load run measured. */
export interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  /** Requests answered during the run. */
  requests: number;
  /** Responses that were not 2xx/3xx, and socket errors: should be 0. */
  errors: number;
}

/** A load run: `seconds` of traffic on `connections` keep-alive connections. */
export interface LoadOptions {
  port: number;
  target: Target;
  seconds: number;
  connections: number;
  /** Run under `taskset -c <core>` when given. */
  core: number | undefined;
}

/** Whether a command can be run (`which`-like, without a shell). */
export function hasCommand(command: string, args: string[] = ["--version"]): boolean {
  const result = spawnSync(command, args, { stdio: "ignore" });
  return result.error === undefined;
}

/** The load generator in use and its version, for the results. */
export function loadGenerator(): { name: "wrk" | "autocannon"; version: string } {
  const wrk = spawnSync("wrk", ["-v"], { encoding: "utf8" });
  if (wrk.error === undefined) return { name: "wrk", version: (wrk.stdout + wrk.stderr).split("\n")[0]!.trim() };
  return { name: "autocannon", version: "autocannon (in process)" };
}

/** Run one load with the generator in use. */
export function runLoad(generator: "wrk" | "autocannon", options: LoadOptions): Promise<LoadResult> {
  return generator === "wrk" ? runWrk(options) : runAutocannon(options);
}

function wrkScript(target: Target): string | undefined {
  if (target.method === "GET" && target.headers === undefined) return undefined;
  const lines = [`wrk.method = "${target.method}"`];
  if (target.body !== undefined) lines.push(`wrk.body = [==[${target.body}]==]`);
  for (const [name, value] of Object.entries(target.headers ?? {})) lines.push(`wrk.headers["${name}"] = "${value}"`);
  const file = join(tmpdir(), `handlerkit-bench-${target.name}.lua`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** Parse wrk's `--latency` report. */
export function parseWrk(output: string): LoadResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(output);
  if (rps === null || p99 === null) throw new Error(`Could not read wrk's report:\n${output}`);
  const total = /(\d+) requests in/.exec(output);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    requestsPerSecond: Number(rps[1]),
    p99Ms: Number(p99[1]) * UNIT_MS[p99[2]!]!,
    requests: total ? Number(total[1]) : NaN,
    errors: (non2xx ? Number(non2xx[1]) : 0) + socketErrors,
  };
}

function runWrk(options: LoadOptions): Promise<LoadResult> {
  const { port, target, seconds, connections, core } = options;
  const script = wrkScript(target);
  const args = ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", ...(script ? ["-s", script] : []), `http://127.0.0.1:${port}${target.path}`];
  const [command, argv] = core === undefined ? ["wrk", args] : ["taskset", ["-c", String(core), "wrk", ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`wrk exited with ${code}:\n${output}`));
      else {
        try {
          resolve(parseWrk(output));
        } catch (error) {
          reject(error);
        }
      }
    });
  });
}

async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const { port, target, seconds, connections } = options;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${target.path}`,
    method: target.method,
    body: target.body,
    headers: target.headers,
    connections,
    duration: seconds,
  });
  return { requestsPerSecond: result.requests.average, p99Ms: result.latency.p99, requests: result.requests.total, errors: result.non2xx + result.errors + result.timeouts };
}

/** Send exactly `amount` requests (for the memory figure), with autocannon. */
export async function sendRequests(port: number, target: Target, amount: number): Promise<void> {
  const result = await autocannon({ url: `http://127.0.0.1:${port}${target.path}`, connections: 10, amount });
  if (result.non2xx + result.errors > 0) throw new Error(`${result.non2xx + result.errors} of ${amount} requests failed.`);
}
