/**
 * What 5 no-op middleware cost per request, in process, where the socket
 * does not drown a microsecond: handlerkit's `app.use` (through
 * `app.process`, what sockets and `getResponse` run), Hono's `app.use`
 * (through `app.fetch`), and Koa's `koa-compose`, each with 0 and with 5
 * middleware `(x, next) => next()` (and 1, to tell the cost of having a
 * chain at all from the cost of each layer), and an `async` variant that
 * awaits `next()`. The cost is the difference between two chains of the
 * same framework, so what each framework does besides composing cancels
 * out. handlerkit with no middleware answers a synchronous handler
 * synchronously, so its first middleware also pays for becoming a promise;
 * koa-compose is promise-based from its first step.
 *
 * Rounds interleave every case and the fastest round of each is kept
 * (other processes only ever add time). The socket figures are the
 * `middleware5` rows of `npm run bench`.
 *
 * Run: `npx tsc -p tsconfig.bench.json && node dist/bench/benchmarks/middleware.js`
 * (`--rounds=N`, 15; `--requests=N` per round, 50,000).
 */
import { Hono, type MiddlewareHandler } from "hono";
import compose from "koa-compose";
import { Application, Request, type Middleware } from "../lib/index.js";
import { MIDDLEWARE_COUNT } from "./scenarios.js";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const ROUNDS = arg("rounds", 15);
const REQUESTS = arg("requests", 50_000);

type Case = { name: string; run: () => Promise<unknown> };

function handlerkit(middleware: Middleware[]): () => Promise<unknown> {
  const app = new Application([["/", () => "Hello, world!"]]);
  if (middleware.length > 0) app.use(...middleware);
  return async () => {
    const response = await app.process(Request.blank("/"));
    if (response.status !== 200) throw new Error(`handlerkit answered ${response.status}`);
  };
}

function hono(middleware: MiddlewareHandler[]): () => Promise<unknown> {
  const app = new Hono();
  for (const m of middleware) app.use(m);
  app.get("/", (c) => c.text("Hello, world!"));
  const request = new globalThis.Request("http://bench/");
  return async () => {
    const response = await app.fetch(request);
    if (response.status !== 200) throw new Error(`hono answered ${response.status}`);
  };
}

function koa(middleware: compose.Middleware<{ body?: string }>[]): () => Promise<unknown> {
  const run = compose<{ body?: string }>([...middleware, (ctx) => void (ctx.body = "Hello, world!")]);
  return async () => {
    const ctx: { body?: string } = {};
    await run(ctx);
    if (ctx.body === undefined) throw new Error("koa-compose did not reach the end");
  };
}

const times = <T>(make: () => T): T[] => Array.from({ length: MIDDLEWARE_COUNT }, make);
const CASES: Case[] = [
  { name: "handlerkit 0", run: handlerkit([]) },
  { name: "handlerkit 1", run: handlerkit([(_request, next) => next()]) },
  { name: "handlerkit 5", run: handlerkit(times(() => (_request, next) => next())) },
  { name: "handlerkit 5 async", run: handlerkit(times(() => async (_request, next) => await next())) },
  { name: "hono 0", run: hono([]) },
  { name: "hono 1", run: hono([(_c, next) => next()]) },
  { name: "hono 5", run: hono(times((): MiddlewareHandler => (_c, next) => next())) },
  { name: "hono 5 async", run: hono(times((): MiddlewareHandler => async (_c, next) => { await next(); })) },
  { name: "koa-compose 0", run: koa([]) },
  { name: "koa-compose 1", run: koa([(_ctx, next) => next()]) },
  { name: "koa-compose 5", run: koa(times(() => (_ctx, next) => next())) },
  { name: "koa-compose 5 async", run: koa(times(() => async (_ctx, next) => { await next(); })) },
];

const best = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order so no case always runs first.
  for (let i = 0; i < CASES.length; i++) {
    const c = CASES[(i + round) % CASES.length]!;
    const start = performance.now();
    for (let n = 0; n < REQUESTS; n++) await c.run();
    const perRequest = ((performance.now() - start) * 1000) / REQUESTS;
    if (round > 0) best.set(c.name, Math.min(best.get(c.name) ?? Infinity, perRequest)); // round 0 warms up
  }
}

const us = (name: string) => best.get(name)!;
const f = (n: number) => `${n.toFixed(2)} µs`;
console.log(`# ${MIDDLEWARE_COUNT} no-op middleware, in process (Node ${process.version}; fastest of ${ROUNDS - 1} rounds of ${REQUESTS.toLocaleString("en")} requests)\n`);
console.log("| framework | 0 middleware | 1 | 5 `(x, next) => next()` | cost of the 5 | 5 `async`, awaiting `next()` | cost of the 5 |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const name of ["handlerkit", "hono", "koa-compose"]) {
  const base = us(`${name} 0`);
  const plain = us(`${name} 5`);
  const awaited = us(`${name} 5 async`);
  console.log(`| ${name} | ${f(base)} | ${f(us(`${name} 1`))} | ${f(plain)} | ${f(plain - base)} | ${f(awaited)} | ${f(awaited - base)} |`);
}
