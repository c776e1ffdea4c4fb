/**
 * Scaling across cores: a primary process that forks workers with
 * `node:cluster`, keeps their number up, and shuts them all down
 * gracefully.
 */
import cluster, { type Worker } from "node:cluster";
import type { AddressInfo } from "node:net";
import type { Logger } from "../core/logger.js";

/** Options of the primary process (`app.run({ workers })`). */
export interface ClusterOptions {
  /** How many workers to keep running. */
  workers: number;
  /** Milliseconds before the first restart of a crashed worker (100); doubled for each crash in a row. */
  restartDelay?: number;
  /** The longest wait before a restart (10 s). */
  maxRestartDelay?: number;
  /** Milliseconds a worker gets to drain on shutdown before it is killed (10 s). */
  shutdownTimeout?: number;
  /** Where the primary says what it does; `console` by default. */
  logger?: Logger;
  /** Show `https://` in the address it prints. */
  secure?: boolean;
}

// A worker that ran this long before dying was healthy: its death does not
// count towards the backoff.
const STABLE_AFTER = 10_000;

/**
 * Run the cluster primary: fork `workers` processes, each of which runs the
 * same script (and so reaches `app.run()` as a worker and listens; the
 * primary shares the port among them). A worker that exits is replaced
 * after a delay that doubles with each crash in a row (100 ms, 200 ms, ...,
 * up to `maxRestartDelay`), so a broken deploy does not fork in a tight
 * loop. On SIGINT or SIGTERM no more workers are started, each is sent
 * SIGTERM to close gracefully, and any still alive after `shutdownTimeout`
 * is killed. Resolves once every worker has exited.
 *
 * @example
 * if (cluster.isPrimary) await runPrimary({ workers: 4 });
 */
export function runPrimary(options: ClusterOptions): Promise<void> {
  const logger = options.logger ?? console;
  const restartDelay = options.restartDelay ?? 100;
  const maxRestartDelay = options.maxRestartDelay ?? 10_000;
  const live = new Map<Worker, number>();
  const restarts = new Set<NodeJS.Timeout>();
  let crashes = 0;
  let stopping = false;
  let announced = false;

  const fork = () => live.set(cluster.fork(), Date.now());
  for (let i = 0; i < options.workers; i++) fork();

  cluster.on("listening", (_worker: Worker, address: AddressInfo) => {
    if (announced) return;
    announced = true;
    say(logger, `handlerkit listening on ${formatAddress(address, options.secure)} with ${options.workers} workers (primary ${process.pid})`);
  });

  return new Promise((resolve) => {
    cluster.on("exit", (worker: Worker, code: number | null, signal: string | null) => {
      const lived = Date.now() - (live.get(worker) ?? 0);
      live.delete(worker);
      if (stopping) {
        if (live.size === 0) resolve();
        return;
      }
      crashes = lived >= STABLE_AFTER ? 1 : crashes + 1;
      const delay = restartBackoff(crashes, restartDelay, maxRestartDelay);
      say(logger, `worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another in ${delay} ms`);
      const timer = setTimeout(() => {
        restarts.delete(timer);
        fork();
      }, delay);
      restarts.add(timer);
    });

    const stop = () => {
      if (stopping) return;
      stopping = true;
      for (const timer of restarts) clearTimeout(timer);
      if (live.size === 0) return resolve();
      for (const worker of live.keys()) worker.process.kill("SIGTERM");
      // A worker stuck past its own drain timeout is killed.
      setTimeout(() => {
        for (const worker of live.keys()) worker.process.kill("SIGKILL");
      }, (options.shutdownTimeout ?? 10_000) + 2_000).unref();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/**
 * How long to wait before restarting after `crashes` crashes in a row: the
 * first waits `base` ms, each further one twice as long, never more than
 * `max`.
 *
 * @example
 * [1, 2, 3, 9].map((n) => restartBackoff(n, 100, 1_000)); // [100, 200, 400, 1000]
 */
export function restartBackoff(crashes: number, base: number, max: number): number {
  return Math.min(base * 2 ** Math.max(0, crashes - 1), max);
}

/**
 * The URL of a listening address, for the startup line: unspecified
 * addresses (`::`, `0.0.0.0`) read as `localhost`, IPv6 ones in brackets.
 *
 * @example
 * formatAddress({ address: "127.0.0.1", family: "IPv4", port: 8080 }); // "http://127.0.0.1:8080/"
 */
export function formatAddress(address: Pick<AddressInfo, "port"> & { address?: string | null }, secure = false): string {
  const host = !address.address || address.address === "::" || address.address === "0.0.0.0" ? "localhost" : address.address;
  return `${secure ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${address.port}/`;
}

/** Write a line with `logger.info`, falling back to `console.log` for a logger without it. */
export function say(logger: Logger, message: string): void {
  if (logger.info) logger.info(message);
  else console.log(message);
}
