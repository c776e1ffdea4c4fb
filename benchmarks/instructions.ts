/**
 * Instructions per request, counted by Valgrind: a figure that CPU steal and
 * other processes on a shared machine cannot move, for before/after
 * comparisons that req/s and CPU time cannot settle there. The engine's own
 * garbage collections and deoptimizations still move one pair of runs by
 * thousands of instructions: `--repeat` takes the median of several.
 *
 * Each peer's server (`server.ts serve`) runs under `valgrind
 * --tool=callgrind`, is sent `--requests` requests of a target on 4
 * keep-alive connections, then stopped; the same again with twice as many.
 * The difference of the two totals over the difference of the counts is
 * what one request costs once the JIT has warmed up, in user-space
 * instructions of the server process (the kernel's share, the same for
 * every peer, is not counted).
 *
 *   npm run bench:instructions -- --targets=hello,param --peers=node:http,handlerkit,fastify --requests=5000
 *   npm run bench:instructions -- --baseline=7a67df9 --targets=hello
 *   npm run bench:instructions -- --targets=json-post --keep=/tmp/cg   # callgrind_annotate the files
 *   npm run bench:instructions -- --targets=param --peers=handlerkit --repeat=3   # the median of 3 pairs
 *
 * Under Valgrind a server runs about 50 times slower: 5,000 requests take a
 * minute or two per peer and target.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBaseline } from "./baseline.js";
import { TARGETS, type Target } from "./scenarios.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const CONNECTIONS = 4;

interface Options {
  targets: Target[];
  peers: string[];
  requests: number;
  baseline?: string;
  keep?: string;
  repeat: number;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const names = value("targets")?.split(",") ?? ["hello", "param", "json-post"];
  const targets = TARGETS.filter((t) => names.includes(t.name) || names.includes(t.scenario));
  if (targets.length === 0) throw new Error(`No target matches --targets=${names.join(",")}; the targets are ${TARGETS.map((t) => t.name).join(", ")}.`);
  const requests = Number(value("requests") ?? 5000);
  if (!Number.isInteger(requests) || requests < 100) throw new Error("--requests is a whole number of at least 100.");
  const repeat = Number(value("repeat") ?? 1);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error("--repeat is a whole number of at least 1.");
  return { targets, peers: value("peers")?.split(",") ?? ["node:http", "handlerkit", "fastify"], requests, baseline: value("baseline"), keep: value("keep"), repeat };
}

/** One request of the target on the agent; rejects on a wrong answer. */
function send(agent: Agent, port: number, target: Target): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, agent, method: target.method, path: target.path, headers: target.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => (res.statusCode === target.expect.status && body === target.expect.body ? resolve() : reject(new Error(`${target.name}: ${res.statusCode} ${body.slice(0, 80)}`))));
    });
    req.on("error", reject);
    req.end(target.body);
  });
}

/** The instructions the server of `peer` ran while answering `count` requests (and starting up). */
async function count(peer: string, target: Target, requests: number, keep?: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "handlerkit-instructions-"));
  try {
    const child = spawn(
      "valgrind",
      ["--tool=callgrind", `--callgrind-out-file=${join(dir, "out")}`, `--log-file=${join(dir, "log")}`, process.execPath, "--single-threaded", join(HERE, "server.js"), "serve", peer, target.scenario],
      // Valgrind can stall a server for seconds while it translates new JIT
      // code: long enough for a 5 s keep-alive timer to drop a connection.
      { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, BENCH_KEEP_ALIVE_TIMEOUT: "600000" } },
    );
    const port = await new Promise<number>((resolve, reject) => {
      let text = "";
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk: string) => {
        text += chunk;
        const line = text.split("\n").find((l) => l.includes('"listening"'));
        if (line !== undefined) resolve((JSON.parse(line) as { port: number }).port);
      });
      child.on("exit", (code) => reject(new Error(`the ${peer} server exited (${code}) before listening`)));
    });
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    let sent = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (sent < requests) {
          sent++;
          await send(agent, port, target);
        }
      }),
    );
    agent.destroy();
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGINT");
    await exited;
    const collected = /Collected : (\d+)/.exec(readFileSync(join(dir, "log"), "utf8"));
    if (collected === null) throw new Error(`callgrind reported no total for ${peer}`);
    if (keep !== undefined) {
      mkdirSync(keep, { recursive: true });
      copyFileSync(join(dir, "out"), join(keep, `callgrind.${target.name}.${peer.replace(/[^\w@.-]/g, "_")}.${requests}`));
    }
    return Number(collected[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (spawnSync("valgrind", ["--version"]).status !== 0) throw new Error("valgrind is not installed (apt-get install valgrind).");
  const options = parseArgs(process.argv.slice(2));
  const peers = [...options.peers];
  if (options.baseline !== undefined) {
    // As run.ts does: the children load the compiled revision from these.
    const baseline = buildBaseline(options.baseline);
    process.env.BENCH_BASELINE_LIB = baseline.lib;
    process.env.BENCH_BASELINE_REV = options.baseline;
    process.once("exit", () => baseline.remove());
    peers.push(`handlerkit@${options.baseline}`);
  }
  const rows: string[] = ["| target | framework | instructions per request (median) | range | × node:http |", "| --- | --- | ---: | ---: | ---: |"];
  const shown = (n: number) => Math.round(n).toLocaleString("en-US");
  for (const target of options.targets) {
    let yardstick: number | undefined;
    for (const peer of peers) {
      // A garbage collection or a deoptimization that lands in one run of a
      // pair and not the other moves a difference by thousands: with
      // --repeat, the median of several pairs is given, and their range.
      const counts: number[] = [];
      for (let i = 0; i < options.repeat; i++) {
        const small = await count(peer, target, options.requests, options.keep);
        const large = await count(peer, target, options.requests * 2, options.keep);
        counts.push((large - small) / options.requests);
        process.stderr.write(`${target.name} ${peer}: ${shown(counts.at(-1)!)} instructions per request\n`);
      }
      counts.sort((a, b) => a - b);
      const perRequest = counts[Math.floor(counts.length / 2)]!;
      if (peer === "node:http") yardstick = perRequest;
      const range = counts.length > 1 ? `${shown(counts[0]!)}–${shown(counts.at(-1)!)}` : "";
      rows.push(`| ${target.name} | ${peer} | ${shown(perRequest)} | ${range} | ${yardstick === undefined ? "" : `${(yardstick / perRequest).toFixed(2)}×`} |`);
    }
  }
  process.stdout.write(
    `Instructions per request (callgrind, ${shown(options.requests)} then ${shown(options.requests * 2)} requests on ${CONNECTIONS} connections, ${options.repeat} pair(s) per row; × node:http is node:http's count over the peer's):\n\n${rows.join("\n")}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
