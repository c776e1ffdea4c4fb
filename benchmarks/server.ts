/**
 * The child process of a benchmark: one peer, one scenario, pinned by the
 * runner to its own core. Two modes:
 *
 * - `serve <peer> <scenario>`: listen on 127.0.0.1 and a free port, report
 *   the port over IPC, and answer `memory` messages with the memory usage
 *   after a full GC (with `--expose-gc`) and `cpu` ones with the CPU time
 *   used so far (user + system, µs).
 * - `inject <peer> <target> <warmMs> <runMs>`: in-process requests in a
 *   sequential loop; reports the count and the elapsed time.
 */
import { loadPeer, TARGETS, type ServerScenario } from "./scenarios.js";

/** The messages a child sends to the runner. */
export type ChildMessage =
  | { type: "listening"; port: number }
  | { type: "memory"; rss: number; heapUsed: number; heapTotal: number }
  | { type: "cpu"; micros: number }
  | { type: "injected"; count: number; ms: number }
  | { type: "failed"; message: string };

// Run by hand (no IPC channel), the messages go to stdout: that is how a
// server is profiled (see README.md).
function send(message: ChildMessage): void {
  if (process.send !== undefined) process.send(message);
  else process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function serve(peerName: string, scenario: ServerScenario): Promise<void> {
  const peer = await loadPeer(peerName);
  const keepAlive = process.env.BENCH_KEEP_ALIVE_TIMEOUT;
  const server = await peer.serve(scenario, { keepAliveTimeout: keepAlive ? Number(keepAlive) : undefined });
  const address = server.address();
  if (address === null || typeof address !== "object") throw new Error("The server has no TCP address.");
  process.on("message", (message) => {
    if (message === "cpu") {
      const { user, system } = process.cpuUsage();
      return send({ type: "cpu", micros: user + system });
    }
    if (message !== "memory") return;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const { rss, heapUsed, heapTotal } = process.memoryUsage();
    send({ type: "memory", rss, heapUsed, heapTotal });
  });
  process.on("disconnect", () => process.exit(0));
  // A normal exit on Ctrl-C, so that `--cpu-prof` writes its profile.
  process.on("SIGINT", () => process.exit(0));
  send({ type: "listening", port: address.port });
}

async function inject(peerName: string, targetName: string, warmMs: number, runMs: number): Promise<void> {
  const peer = await loadPeer(peerName);
  const target = TARGETS.find((t) => t.name === targetName);
  if (target === undefined || peer.inject === undefined) throw new Error(`${peerName} cannot inject ${targetName}.`);
  const request = await peer.inject(target);
  const first = await request();
  if (first.status !== target.expect.status || first.body !== target.expect.body) {
    throw new Error(`${peerName} answered ${targetName} in process with ${first.status} ${first.body.slice(0, 80)}`);
  }
  for (const until = performance.now() + warmMs; performance.now() < until; ) {
    for (let i = 0; i < 100; i++) await request();
  }
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now - start < runMs) {
    for (let i = 0; i < 100; i++) await request();
    count += 100;
    now = performance.now();
  }
  send({ type: "injected", count, ms: now - start });
  if (process.send !== undefined) process.disconnect();
}

async function main(): Promise<void> {
  const [mode, peerName, arg, warm, run] = process.argv.slice(2);
  if (mode === "serve") await serve(peerName!, arg as ServerScenario);
  else if (mode === "inject") await inject(peerName!, arg!, Number(warm), Number(run));
  else throw new Error(`Unknown mode ${mode}`);
}

main().catch((error: unknown) => {
  send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  if (process.send !== undefined) process.disconnect();
});
