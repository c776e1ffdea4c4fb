/**
 * What parsing a request costs, handlerkit against Fastify in the same run
 *: a query of 20 parameters and a 1 KB JSON body, every value
 * read by the handler.
 *
 * Each framework serves two routes: `GET /base` (nothing to parse) and
 * `POST /parse?<20 params>` with the JSON body. The parsing cost is the
 * difference in time per request between the two, so routing, writing and
 * the socket cancel out. Two measurements:
 *
 * 1. Sockets: each server in a child process (pinned to core 0 with
 *    `taskset` when there is one), the load generator (`wrk` when
 *    installed, pinned to core 1; autocannon in process otherwise) on the
 *    other; rounds interleave the frameworks so drift hits both alike.
 * 2. In process: `app.getResponse()` against `fastify.inject()`; fewer
 *    moving parts, but light-my-request streams the body where
 *    `Request.blank` hands over bytes, so the socket figures are the fair
 *    ones and these are shown for reference.
 *
 * Run: `npx tsc -p tsconfig.bench.json && node dist/bench/benchmarks/parse.js`
 * (`--seconds=N` per measurement, 3; `--rounds=N`, 5). The machine should
 * be otherwise idle: the cost is a difference of two rates, so noise
 * elsewhere shows up twice.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import Fastify, { type FastifyInstance } from "fastify";
import { Application, type Request } from "../lib/index.js";

const NAMES = Array.from({ length: 20 }, (_, i) => `param${i}`);
const QUERY = NAMES.map((name, i) => `${name}=value-${i}`).join("&");
// 27 fields of text: 1,007 bytes.
const BODY = JSON.stringify(
  Object.fromEntries(Array.from({ length: 27 }, (_, i) => [`field${i}`, `some text value number ${i}`])),
);
const FRAMEWORKS = ["handlerkit", "fastify"] as const;
type Framework = (typeof FRAMEWORKS)[number];

/** Read every parameter and the body, as a real handler would. */
function summarize(read: (name: string) => unknown, body: Record<string, unknown>) {
  let total = 0;
  for (const name of NAMES) total += String(read(name)).length;
  return { params: total, fields: Object.keys(body).length };
}

function handlerkitApp(): Application {
  return new Application([
    ["/base", () => ({ ok: true })],
    ["/parse", async (request: Request) => summarize((n) => request.query.get(n), await request.json())],
  ]);
}

function fastifyApp(): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get("/base", async () => ({ ok: true }));
  app.post("/parse", async (request) => summarize((n) => (request.query as Record<string, string>)[n], request.body as Record<string, unknown>));
  return app;
}

async function serve(framework: Framework): Promise<Server> {
  if (framework === "handlerkit") {
    const app = handlerkitApp();
    return app.listen(0, "127.0.0.1");
  }
  const app = fastifyApp();
  await app.listen({ port: 0, host: "127.0.0.1" });
  return app.server;
}

/** The child: serve, print the port, wait to be killed. */
async function child(framework: Framework): Promise<void> {
  const server = await serve(framework);
  const address = server.address();
  process.stdout.write(`${typeof address === "object" && address ? address.port : 0}\n`);
}

function start(framework: Framework): Promise<{ child: ChildProcess; port: number }> {
  const script = fileURLToPath(import.meta.url);
  const command = hasTaskset ? "taskset" : process.execPath;
  const args = hasTaskset ? ["-c", "0", process.execPath, script, `--serve=${framework}`] : [script, `--serve=${framework}`];
  const proc = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    proc.stdout!.once("data", (data: Buffer) => resolve({ child: proc, port: Number(String(data).trim()) }));
    proc.once("error", reject);
  });
}

const hasWrk = spawnSync("wrk", ["-v"]).error === undefined;
const hasTaskset = spawnSync("taskset", ["--version"]).error === undefined;

async function load(port: number, route: "base" | "parse", seconds: number): Promise<number> {
  return hasWrk ? wrk(port, route, seconds) : autocannonLoad(port, route, seconds);
}

/** Requests per second from `wrk`, 10 connections, one thread. */
function wrk(port: number, route: "base" | "parse", seconds: number): Promise<number> {
  const script = join(tmpdir(), "handlerkit-parse-bench.lua");
  writeFileSync(script, `wrk.method = "POST"\nwrk.body = [==[${BODY}]==]\nwrk.headers["content-type"] = "application/json"\n`);
  const url = route === "base" ? `http://127.0.0.1:${port}/base` : `http://127.0.0.1:${port}/parse?${QUERY}`;
  const args = ["-t1", "-c10", `-d${seconds}s`, ...(route === "parse" ? ["-s", script] : []), url];
  const proc = spawn(hasTaskset ? "taskset" : "wrk", hasTaskset ? ["-c", "1", "wrk", ...args] : args, { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  proc.stdout!.on("data", (data: Buffer) => (output += data));
  return new Promise((resolve, reject) => {
    proc.once("close", () => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
      if (!rps || /Non-2xx/.test(output)) reject(new Error(`wrk ${route}: ${output}`));
      else resolve(Number(rps[1]));
    });
  });
}

async function autocannonLoad(port: number, route: "base" | "parse", seconds: number): Promise<number> {
  const options: autocannon.Options =
    route === "base"
      ? { url: `http://127.0.0.1:${port}/base`, connections: 10, duration: seconds }
      : { url: `http://127.0.0.1:${port}/parse?${QUERY}`, method: "POST", body: BODY, headers: { "content-type": "application/json" }, connections: 10, duration: seconds };
  const result = await autocannon(options);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${route} on port ${port}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

interface Figures {
  base: number[];
  parse: number[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const micros = (rps: number) => 1e6 / rps;

async function socketRun(seconds: number, rounds: number): Promise<Record<Framework, Figures>> {
  const figures = { handlerkit: { base: [], parse: [] }, fastify: { base: [], parse: [] } } as Record<Framework, Figures>;
  for (let round = 0; round < rounds; round++) {
    for (const framework of round % 2 === 0 ? FRAMEWORKS : [...FRAMEWORKS].reverse()) {
      const { child, port } = await start(framework);
      try {
        await load(port, "parse", 1);
        await load(port, "base", 1);
        // Alternate the two routes so a burst of load elsewhere on the
        // machine hits both.
        for (let i = 0; i < 2; i++) {
          figures[framework].base.push(await load(port, "base", seconds));
          figures[framework].parse.push(await load(port, "parse", seconds));
        }
      } finally {
        child.kill();
      }
    }
  }
  return figures;
}

/** Requests per second in process, for `ms` milliseconds after a warm-up. */
async function inProcess(framework: Framework, route: "base" | "parse", ms: number): Promise<number> {
  const headers = { "content-type": "application/json" };
  let send: () => Promise<number>;
  if (framework === "handlerkit") {
    const app = handlerkitApp();
    send = route === "base"
      ? async () => (await app.getResponse("/base")).status
      : async () => (await app.getResponse(`/parse?${QUERY}`, { method: "POST", body: BODY, headers })).status;
  } else {
    const app = fastifyApp();
    await app.ready();
    send = route === "base"
      ? async () => (await app.inject({ url: "/base" })).statusCode
      : async () => (await app.inject({ url: `/parse?${QUERY}`, method: "POST", payload: BODY, headers })).statusCode;
  }
  for (let i = 0; i < 2000; i++) if ((await send()) !== 200) throw new Error(`${framework} ${route}: not a 200`);
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    for (let i = 0; i < 100; i++) await send();
    count += 100;
  }
  return (count * 1000) / (performance.now() - started);
}

function row(name: string, base: number, parse: number): string {
  const cost = micros(parse) - micros(base);
  return `| ${name.padEnd(10)} | ${Math.round(base).toString().padStart(9)} | ${Math.round(parse).toString().padStart(9)} | ${cost.toFixed(2).padStart(12)} |`;
}

async function main(): Promise<void> {
  const flag = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
  const seconds = flag("seconds", 3);
  const rounds = flag("rounds", 5);
  console.log(`Node ${process.version}; query of ${NAMES.length} params (${QUERY.length} bytes), JSON body of ${BODY.length} bytes.\n`);
  const header = "| framework  | base req/s | parse req/s | parse cost µs |\n| ---------- | ---------: | ----------: | ------------: |";
  const sockets = await socketRun(seconds, rounds);
  console.log(`Over sockets (${hasWrk ? "wrk" : "autocannon"}, 10 connections, ${seconds} s x ${rounds} rounds, medians):\n${header}`);
  for (const framework of FRAMEWORKS) console.log(row(framework, median(sockets[framework].base), median(sockets[framework].parse)));
  console.log(`\nIn process, for reference (getResponse vs inject, 2 s each):\n${header}`);
  for (const framework of FRAMEWORKS) {
    const base = await inProcess(framework, "base", 2000);
    const parse = await inProcess(framework, "parse", 2000);
    console.log(row(framework, base, parse));
  }
}

const serveFlag = process.argv.find((a) => a.startsWith("--serve="));
if (serveFlag) await child(serveFlag.split("=")[1] as Framework);
else await main();
