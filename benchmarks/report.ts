/**
 * The results of a benchmark run as markdown: the machine, the tables
 * (medians over rounds, ratios to node:http from the same round, the CPU
 * steal each row saw), a baseline revision against this checkout when
 * there is one, and which of the issue's targets the run met.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cpus, release, totalmem } from "node:os";
import { TARGETS } from "./scenarios.js";
import { STEAL_LIMIT, STEAL_RETRIES } from "./steal.js";

/** One server measurement. */
export interface Row {
  round: number;
  peer: string;
  target: string;
  requestsPerSecond: number;
  p99Ms: number;
  /** The server's CPU time (user + system) per request answered, in µs. */
  cpuMicrosPerRequest: number;
  /** The machine's CPU steal during the kept measurement, in % (NaN when unknown). */
  stealPercent: number;
  /** How many times it was measured (more than once when steal was over the limit). */
  attempts: number;
}

/** One in-process measurement. */
export interface InjectRow {
  round: number;
  peer: string;
  target: string;
  requestsPerSecond: number;
}

/** Memory of one peer's server (after a full GC). */
export interface MemoryRow {
  peer: string;
  idle: { rss: number; heapUsed: number };
  afterRequests: { rss: number; heapUsed: number };
  withConnections: { rss: number; heapUsed: number };
}

/** What the report is made from. */
export interface RunResults {
  rows: Row[];
  injects: InjectRow[];
  memory: MemoryRow[];
  machine: string;
  command: string;
  settings: { rounds: number; seconds: number; warmSeconds: number; connections: number; injectMs: number; quick: boolean };
  seconds: number;
  /** The machine's CPU steal over the whole run, in %. */
  steal: number;
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The project root: this file runs compiled, from dist/bench/benchmarks/. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

function packageVersion(name: string | undefined): string {
  try {
    const file = name === undefined ? `${ROOT}package.json` : `${ROOT}node_modules/${name}/package.json`;
    return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

/**
 * The machine, Node, the load generator and the peers' versions. `server`
 * is the node the children ran on; its path is given when it is not the
 * runner's own (`--node=PATH`).
 */
export function describeMachine(generator: string, pinned: boolean, server: { version: string; path: string | undefined }): string {
  const cpu = cpus();
  const peers = ["fastify", "hono", "@hono/node-server", "express", "autocannon"].map((p) => `${p} ${packageVersion(p)}`).join(", ");
  const node = server.path === undefined ? `Node ${server.version}` : `Node ${server.version} for the servers (${server.path}), ${process.version} for the runner`;
  return [
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GB RAM, Linux ${release()}`,
    `- ${node}; handlerkit ${packageVersion(undefined)}; ${peers}`,
    `- Load: ${generator}; ${pinned ? "server pinned to core 0 and load generator to core 1 (taskset)" : "no pinning (taskset missing)"}`,
  ].join("\n");
}

const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a");
const ratioFmt = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : "n/a");
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** Median req/s of a peer on a target. */
function rps(rows: { peer: string; target: string; requestsPerSecond: number }[], peer: string, target: string): number {
  return median(rows.filter((r) => r.peer === peer && r.target === target).map((r) => r.requestsPerSecond));
}

/** Median CPU µs per request of a peer on a target. */
function cpu(rows: Row[], peer: string, target: string): number {
  return median(rows.filter((r) => r.peer === peer && r.target === target).map((r) => r.cpuMicrosPerRequest));
}

/**
 * The least CPU µs per request of a peer on a target over the rounds: other
 * processes can only add to a server's cost (cache misses, a busy sibling
 * core), so the best round is the closest to what the code itself costs.
 */
function bestCpu(rows: Row[], peer: string, target: string): number {
  return Math.min(...rows.filter((r) => r.peer === peer && r.target === target).map((r) => r.cpuMicrosPerRequest));
}

/**
 * Median over rounds of the ratio to node:http in the same round: by req/s,
 * or by CPU time per request (node:http's over the peer's, so higher is
 * better either way). The CPU ratio holds up when other processes share the
 * machine; req/s does not.
 */
function ratioToRaw(rows: Row[], peer: string, target: string, by: "rps" | "cpu" = "rps", reference = "node:http"): number {
  const ratios: number[] = [];
  for (const row of rows.filter((r) => r.peer === peer && r.target === target)) {
    const raw = rows.find((r) => r.peer === reference && r.target === target && r.round === row.round);
    if (raw) ratios.push(by === "rps" ? row.requestsPerSecond / raw.requestsPerSecond : raw.cpuMicrosPerRequest / row.cpuMicrosPerRequest);
  }
  return median(ratios);
}

/**
 * The steal cell of a row: median and worst over its rounds, flagged when a
 * round stayed over the limit after its repeats.
 */
function stealCell(mine: Row[]): string {
  const steals = mine.map((r) => r.stealPercent);
  if (!steals.some(Number.isFinite)) return "n/a";
  const noisy = steals.filter((v) => v > STEAL_LIMIT).length;
  return `${median(steals).toFixed(1)} / ${Math.max(...steals).toFixed(1)} %${noisy > 0 ? ` **noisy** (${noisy} of ${steals.length})` : ""}`;
}

function serverTable(rows: Row[]): string[] {
  const lines = [
    "| scenario | framework | req/s (median) | × node:http | p99 latency | server CPU per request (median / best) | × node:http by CPU (median / best) | req/s range over rounds | CPU steal (median / max) |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const target of TARGETS) {
    const peers = [...new Set(rows.filter((r) => r.target === target.name).map((r) => r.peer))];
    for (const peer of peers) {
      const mine = rows.filter((r) => r.peer === peer && r.target === target.name);
      const values = mine.map((r) => r.requestsPerSecond);
      const p99 = median(mine.map((r) => r.p99Ms));
      const cells = [
        target.name,
        peer,
        fmt(median(values)),
        ratioFmt(ratioToRaw(rows, peer, target.name)),
        `${p99.toFixed(2)} ms`,
        `${cpu(rows, peer, target.name).toFixed(1)} / ${bestCpu(rows, peer, target.name).toFixed(1)} µs`,
        `${ratioFmt(ratioToRaw(rows, peer, target.name, "cpu"))} / ${ratioFmt(bestCpu(rows, "node:http", target.name) / bestCpu(rows, peer, target.name))}`,
        `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}`,
        stealCell(mine),
      ];
      lines.push(`| ${cells.join(" | ")} |`);
    }
  }
  return lines;
}

/**
 * `handlerkit@REV` beside `handlerkit` on each scenario, with the ratio of
 * the two from the same round; empty without `--baseline`.
 */
function baselineTable(rows: Row[]): string[] {
  const baseline = rows.find((r) => r.peer.startsWith("handlerkit@"))?.peer;
  if (baseline === undefined) return [];
  const lines = [
    `## \`${baseline}\` against \`handlerkit\` (this checkout)`,
    "",
    `The ratio is ${baseline}'s over handlerkit's, from the same round (by CPU: handlerkit's time over ${baseline}'s), medians over rounds: below 1.00× means this checkout is faster. Differences of a few per cent are within this machine's noise; the best-round CPU ratio is the steadiest figure.`,
    "",
    `| scenario | ${baseline} req/s | handlerkit req/s | × handlerkit by req/s | CPU per request, ${baseline} / handlerkit (best) | × handlerkit by CPU (median / best) |`,
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const target of TARGETS.filter((t) => rows.some((r) => r.peer === baseline && r.target === t.name))) {
    const name = target.name;
    const cells = [
      name,
      fmt(rps(rows, baseline, name)),
      fmt(rps(rows, "handlerkit", name)),
      ratioFmt(ratioToRaw(rows, baseline, name, "rps", "handlerkit")),
      `${bestCpu(rows, baseline, name).toFixed(1)} / ${bestCpu(rows, "handlerkit", name).toFixed(1)} µs`,
      `${ratioFmt(ratioToRaw(rows, baseline, name, "cpu", "handlerkit"))} / ${ratioFmt(bestCpu(rows, "handlerkit", name) / bestCpu(rows, baseline, name))}`,
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return [...lines, ""];
}

/** The run's steal: over the whole run, and how many measurements it made repeat or left noisy. */
function stealSummary(results: RunResults): string {
  const { rows, steal } = results;
  if (!Number.isFinite(steal)) return "- CPU steal: unknown (no /proc/stat).";
  const repeated = rows.filter((r) => r.attempts > 1).length;
  const noisy = rows.filter((r) => r.stealPercent > STEAL_LIMIT).length;
  return `- CPU steal (\`/proc/stat\`, the whole machine) over the whole run: ${steal.toFixed(2)} %. A measurement with more than ${STEAL_LIMIT} % steal is repeated up to ${STEAL_RETRIES} more times and the least stolen attempt kept: ${repeated} of ${rows.length} were repeated, ${noisy} stayed over the limit (flagged **noisy** in the table).`;
}

interface Check {
  name: string;
  rps: number;
  cpu: number;
  bestCpu: number;
  bound: number;
}

/** The issue's targets, each as a ratio that must reach `bound`: by req/s, and by CPU per request. */
function targets(results: RunResults): Check[] {
  const { rows, injects } = results;
  const both = (name: string, bound: number, hk: string, other: string, otherPeer = "fastify") => ({
    name,
    bound,
    rps: rps(rows, "handlerkit", hk) / rps(rows, otherPeer, other),
    cpu: cpu(rows, otherPeer, other) / cpu(rows, "handlerkit", hk),
    bestCpu: bestCpu(rows, otherPeer, other) / bestCpu(rows, "handlerkit", hk),
  });
  const checks: Check[] = [
    { ...both("hello ≥ 0.95× node:http", 0.95, "hello", "hello", "node:http"), rps: ratioToRaw(rows, "handlerkit", "hello"), cpu: ratioToRaw(rows, "handlerkit", "hello", "cpu") },
    ...["hello", "param", "json-post"].map((t) => both(`${t} ≥ Fastify`, 1, t, t)),
    both("routes1000: last ≥ 0.9× first", 0.9, "routes1000-last", "routes1000-first", "handlerkit"),
    both("routes1000-first ≥ Fastify's", 1, "routes1000-first", "routes1000-first"),
    both("routes1000-last ≥ Fastify's", 1, "routes1000-last", "routes1000-last"),
    both("prefixed1000: last ≥ 0.9× first", 0.9, "prefixed1000-last", "prefixed1000-first", "handlerkit"),
    both("prefixed1000-last ≥ Fastify's", 1, "prefixed1000-last", "prefixed1000-last"),
    both("regex1000: last ≥ 0.9× first", 0.9, "regex1000-last", "regex1000-first", "handlerkit"),
    both("regex1000-last ≥ Fastify's routes1000-last", 1, "regex1000-last", "routes1000-last"),
  ];
  for (const t of INJECT_NAMES) {
    const ratio = rps(injects, "handlerkit", t) / rps(injects, "fastify", t);
    checks.push({ name: `inject ${t} ≥ 1.5× fastify.inject`, bound: 1.5, rps: ratio, cpu: NaN, bestCpu: NaN });
  }
  return checks.filter((c) => Number.isFinite(c.rps));
}

const INJECT_NAMES = ["hello", "param"];

/** The whole report. */
export function renderResults(results: RunResults): string {
  const { injects, memory, settings: s } = results;
  const out: string[] = [
    "# handlerkit benchmark results",
    "",
    `Produced by \`${results.command}\` in ${results.seconds} s${s.quick ? " (a quick smoke run: too short to trust)" : ""}.`,
    "",
    results.machine,
    stealSummary(results),
    `- ${s.rounds} interleaved round(s); per measurement ${s.warmSeconds} s warm-up then ${s.seconds} s on ${s.connections} keep-alive connections; medians over rounds; the ratio is to node:http measured in the same round.`,
    "",
    "## Over sockets",
    "",
    ...serverTable(results.rows),
    "",
    ...baselineTable(results.rows),
    "## In process (`app.getResponse` vs `fastify.inject` vs hono `app.request`)",
    "",
    "Sequential requests in one process, the body read each time; req/s, median over rounds.",
    "",
    "| scenario | framework | req/s | × fastify.inject |",
    "| --- | --- | ---: | ---: |",
  ];
  for (const target of INJECT_NAMES) {
    for (const peer of [...new Set(injects.filter((r) => r.target === target).map((r) => r.peer))]) {
      const value = rps(injects, peer, target);
      out.push(`| ${target} | ${peer} | ${fmt(value)} | ${ratioFmt(value / rps(injects, "fastify", target))} |`);
    }
  }
  out.push("", "## Memory (hello server, after a full GC)", "", "| framework | RSS at start | RSS / heap after 10,000 requests | RSS / heap with 1,000 idle keep-alive connections |", "| --- | ---: | ---: | ---: |");
  for (const m of memory) {
    out.push(`| ${m.peer} | ${mb(m.idle.rss)} MB | ${mb(m.afterRequests.rss)} / ${mb(m.afterRequests.heapUsed)} MB | ${mb(m.withConnections.rss)} / ${mb(m.withConnections.heapUsed)} MB |`);
  }
  out.push(
    "",
    "## Targets",
    "",
    "Each target as a ratio that must reach the bound: from median req/s, from median server CPU time per request, and from the best round's CPU time per request (in process: req/s only).",
    "",
    "| target | bound | by req/s | met | by CPU per request | met | by best CPU per request | met |",
    "| --- | ---: | ---: | --- | ---: | --- | ---: | --- |",
  );
  const verdict = (value: number, bound: number) => (Number.isFinite(value) ? (value >= bound ? "yes" : "**no**") : "");
  for (const c of targets(results)) {
    const cells = [c.name, c.bound.toFixed(2), ratioFmt(c.rps), verdict(c.rps, c.bound), ratioFmt(c.cpu), verdict(c.cpu, c.bound), ratioFmt(c.bestCpu), verdict(c.bestCpu, c.bound)];
    out.push(`| ${cells.join(" | ")} |`);
  }
  return out.join("\n");
}
