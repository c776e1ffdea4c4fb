/**
 * The example application that `npm start` serves: a few handlers showing
 * classes, functions, parameters, JSON and an error, with middleware around
 * them: compression, and the files of public/ served under /static.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { Application, RequestHandler, Route, compress, converters, randomToken, serveStatic, sse } from "../lib/index.js";
import { addAccounts } from "./accounts.js";

// public/ sits beside this file in the sources; the build (dist/examples/)
// does not copy it, so look in the sources from there too.
const publicDir = [new URL("./public/", import.meta.url), new URL("../../examples/public/", import.meta.url)].map((url) => fileURLToPath(url)).find((dir) => existsSync(dir))!;

const products = new Map([
  ["1", { id: "1", name: "Teapot", price: 18 }],
  ["2", { id: "2", name: "Kettle", price: 32 }],
]);

/** Unnamed RegExp groups arrive as positional strings. */
class ProductHandler extends RequestHandler {
  get(productId: string) {
    const product = products.get(productId);
    if (!product) this.abort(404, { message: `No product ${productId}.` });
    return product; // an object is sent as JSON
  }
}

/** Named template parameters arrive as one object. */
class GreetingHandler extends RequestHandler {
  get(params: { name: string }) {
    this.response.contentType = "text/plain";
    this.response.write(`Hello, ${params.name}!\n`);
    this.response.write(`(this page is ${this.uriFor("greeting", { name: params.name })})\n`);
  }
}

export const app = new Application(
  [
    [/^\/products\/(\d+)$/, ProductHandler],
    new Route("/hello/:name", GreetingHandler, { name: "greeting" }),
  ],
  // A random secret logs everyone out at each restart: set SECRET to keep sessions.
  { secrets: [process.env.SECRET ?? randomToken()] },
);

// Middleware runs around every request, the first registered outermost:
// compress() sees every answer, static files included, and compresses what
// is worth it for clients that accept it; serveStatic() answers /static/...
// from public/ and lets everything else through to the routes, and to the
// sessions and CSRF middleware that addAccounts() registers after it
// (so static files never load a session).
app.use(compress(), serveStatic(publicDir, { prefix: "/static", maxAge: 3600 }));
addAccounts(app);

app.route("/")(() => [
  '<!doctype html><link rel="stylesheet" href="/static/style.css">',
  "<h1>handlerkit example</h1>",
  '<ul><li><a href="/hello/world">/hello/world</a></li>',
  '<li><a href="/products/1">/products/1</a> (JSON)</li>',
  '<li><a href="/products">/products</a> (a function returning JSON)</li>',
  '<li><a href="/products/99">/products/99</a> (a 404)</li>',
  '<li><a href="/orders/7">/orders/7</a> (a typed, converted parameter)</li>',
  '<li><a href="/clock">/clock</a> (Server-Sent Events)</li>',
  '<li><a href="/account">/account</a> (log in as ada, password lovelace)</li>',
  '<li><a href="/boom">/boom</a> (an uncaught error: a 500)</li>',
  '<li><a href="/static/robots.txt">/static/robots.txt</a> (a static file)</li></ul>',
].join("\n"));

app.route("/products", { methods: ["GET"] })(() => [...products.values()]);

app.route("/boom")(() => {
  throw new Error("This handler fails on purpose.");
});

// A converter types and validates the parameter: /orders/7 gives the number 7, /orders/x a 404.
app.route("/orders/:id", { params: { id: converters.int } })((_request, params) => ({ order: params.id, next: params.id + 1 }));

// Server-Sent Events: one tick a second until the client goes away.
app.route("/clock")((request) =>
  sse(
    (async function* () {
      for (let i = 0; !request.signal.aborted; i++) {
        yield { id: i, event: "tick", data: { now: new Date().toISOString() } };
        await sleep(1000);
      }
    })(),
    { signal: request.signal },
  ),
);
