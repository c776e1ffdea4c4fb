/**
 * Keeping a serving process up when a handler forgets to await a promise
 * that then rejects.
 */
import type { Logger } from "../core/logger.js";

// The loggers of the applications listening in this process; the first one
// hears about a stray rejection (it cannot be tied to a request).
const listening = new Set<Logger>();

function onUnhandledRejection(reason: unknown): void {
  const [logger] = listening;
  try {
    logger?.error("unhandled promise rejection (a promise nobody awaited); the process keeps serving", reason);
  } catch {
    // A broken logger must not turn a logged fault into a crash.
  }
}

/**
 * While at least one application listens, log unhandled promise rejections
 * through its logger instead of letting Node (15+) crash the process on
 * them. A rejected promise that a handler did not await says nothing about
 * the state of the process, unlike a synchronous `uncaughtException`, which
 * is left alone: a process in an unknown state should crash and be restarted
 * (`app.run({ workers })` restarts workers). Returns the function that stops
 * watching; the application calls both, in `listen()` and `close()`.
 *
 * @example
 * const release = watchUnhandledRejections(app.logger);
 * // ... serve ...
 * release();
 */
export function watchUnhandledRejections(logger: Logger): () => void {
  // A wrapper per call, so two apps sharing `console` are counted apart.
  const entry: Logger = { error: (message, ...meta) => logger.error(message, ...meta) };
  if (listening.size === 0) process.on("unhandledRejection", onUnhandledRejection);
  listening.add(entry);
  return () => {
    if (!listening.delete(entry)) return;
    if (listening.size === 0) process.off("unhandledRejection", onUnhandledRejection);
  };
}
