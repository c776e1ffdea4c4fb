/**
 * Health and readiness for load balancers and orchestrators: a liveness
 * path that answers while the process serves, and a readiness path that
 * runs the application's checks and turns 503 as soon as it starts to close,
 * so the balancer stops sending work before connections are refused.
 */
import type { Logger } from "../core/logger.js";
import type { Request } from "../core/request.js";
import { Response } from "../core/response.js";
import { Route } from "../core/route.js";

/**
 * A readiness check: it passes when it returns (or resolves to) anything
 * but `false`, and fails when it returns `false`, throws, rejects, or takes
 * longer than the timeout. It is given a signal that aborts at the timeout,
 * for drivers that can stop.
 *
 * @example
 * const db: HealthCheck = (signal) => pool.query({ text: "select 1", signal });
 */
export type HealthCheck = (signal: AbortSignal) => unknown;

/** Readiness checks by name; the name is what the readiness body reports. */
export type HealthChecks = Readonly<Record<string, HealthCheck>>;

/** Options of `app.health(path, checks, options)`. */
export interface HealthOptions {
  /** The readiness path. Default `/readyz`. */
  readiness?: string;
  /** Milliseconds each check may take before it counts as failed. Default 2 000. */
  timeout?: number;
  /** Write probes of both paths to the access log. Default false: probes every second would drown it. */
  accessLog?: boolean;
}

/** What a {@link Health} reads from its application. `Application` satisfies it. */
export interface HealthHost {
  readonly logger: Logger;
  /** Whether the application has begun to close: readiness answers 503 from then on. */
  readonly closing: boolean;
}

/** How one check went, as the readiness body says it. */
type Outcome = "ok" | "failed" | "timed out";

/** The answer of one readiness run. */
interface Readiness {
  ok: boolean;
  checks: Record<string, Outcome>;
}

// Probes must never be cached by a proxy in between.
const NO_STORE = { "cache-control": "no-store" } as const;

/**
 * The two routes of `app.health()` and the state behind them. The liveness
 * route answers `200 {"status":"ok"}`. The readiness route answers `200
 * {"status":"ok","checks":{...}}` when every check passes, `503
 * {"status":"failing","failing":["db"],"checks":{"db":"timed out"}}` when
 * one does not, and `503 {"status":"draining"}` once the application is
 * closing, without running the checks. Probes that arrive while a run is in
 * progress share it. A check that starts failing is logged once, with its
 * error, and once more when it passes again; its error is never sent.
 *
 * @example
 * const health = new Health(app, "/healthz", { db: () => pool.query("select 1") });
 * app.add(health.liveness);
 * app.add(health.readiness);
 */
export class Health {
  /** The liveness route (GET and HEAD). */
  readonly liveness: Route;
  /** The readiness route (GET and HEAD). */
  readonly readiness: Route;
  readonly #host: HealthHost;
  readonly #checks: [name: string, check: HealthCheck][];
  readonly #timeout: number;
  readonly #accessLog: boolean;
  readonly #failing = new Set<string>();
  #pending: Promise<Readiness> | undefined;

  constructor(host: HealthHost, path = "/healthz", checks: HealthChecks = {}, options: HealthOptions = {}) {
    const readiness = options.readiness ?? "/readyz";
    for (const [what, value] of [["liveness", path], ["readiness", readiness]] as const) {
      if (typeof value !== "string" || !value.startsWith("/")) throw new TypeError(`health(): the ${what} path must start with "/", not ${JSON.stringify(value)}.`);
    }
    if (readiness === path) throw new TypeError(`health(): the liveness and readiness paths must differ (both are "${path}").`);
    this.#checks = Object.entries(checks ?? {});
    for (const [name, check] of this.#checks) {
      if (typeof check !== "function") throw new TypeError(`health(): the check "${name}" must be a function, not ${typeof check}.`);
    }
    const timeout = options.timeout ?? 2_000;
    if (!(timeout > 0) || !Number.isFinite(timeout)) throw new TypeError(`health(): timeout must be a positive number of milliseconds, not ${String(options.timeout)}.`);
    this.#host = host;
    this.#timeout = timeout;
    this.#accessLog = options.accessLog ?? false;
    const methods = ["GET", "HEAD"];
    this.liveness = new Route(path, (() => Response.json({ status: "ok" }, 200, NO_STORE)) as never, { methods });
    this.readiness = new Route(readiness, (() => this.#ready()) as never, { methods });
  }

  /** Whether the access log records `request`: every request but probes, unless `accessLog` was asked. */
  logged(request: Request): boolean {
    return this.#accessLog || (request.route !== this.liveness && request.route !== this.readiness);
  }

  async #ready(): Promise<Response> {
    if (this.#host.closing) return Response.json({ status: "draining" }, 503, NO_STORE);
    this.#pending ??= this.#run().finally(() => (this.#pending = undefined));
    const { ok, checks } = await this.#pending;
    if (ok) return Response.json({ status: "ok", checks }, 200, NO_STORE);
    const failing = Object.keys(checks).filter((name) => checks[name] !== "ok");
    // Closing may have begun while the checks ran.
    return Response.json(this.#host.closing ? { status: "draining" } : { status: "failing", failing, checks }, 503, NO_STORE);
  }

  async #run(): Promise<Readiness> {
    const outcomes = await Promise.all(this.#checks.map(([name, check]) => this.#one(name, check)));
    const checks: Record<string, Outcome> = {};
    this.#checks.forEach(([name], i) => (checks[name] = outcomes[i]!));
    return { ok: outcomes.every((outcome) => outcome === "ok"), checks };
  }

  #one(name: string, check: HealthCheck): Promise<Outcome> {
    const controller = new AbortController();
    return new Promise<[Outcome, unknown]>((resolve) => {
      const timer = setTimeout(() => {
        const error = new DOMException(`The check took longer than ${this.#timeout} ms.`, "TimeoutError");
        controller.abort(error);
        resolve(["timed out", error]);
      }, this.#timeout);
      timer.unref();
      // A check that throws synchronously fails like one that rejects.
      Promise.resolve()
        .then(() => check(controller.signal))
        .then(
          (value) => resolve(value === false ? ["failed", new Error("The check returned false.")] : ["ok", undefined]),
          (error: unknown) => resolve(["failed", error]),
        )
        .finally(() => clearTimeout(timer));
    }).then(([outcome, error]) => {
      this.#note(name, outcome, error);
      return outcome;
    });
  }

  // Log a check's changes of state, not every probe.
  #note(name: string, outcome: Outcome, error: unknown): void {
    try {
      if (outcome !== "ok" && !this.#failing.has(name)) {
        this.#failing.add(name);
        this.#host.logger.error(`readiness check "${name}" ${outcome}`, error);
      } else if (outcome === "ok" && this.#failing.delete(name)) {
        this.#host.logger.info?.(`readiness check "${name}" passes again`);
      }
    } catch {
      // A broken logger must not fail the probe.
    }
  }
}
