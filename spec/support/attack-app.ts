/**
 * The application the attack, fault and fuzz suites aim at: one
 * route of every kind (templates, splats, RegExps with positional and named
 * groups, classes, functions), body readers of every kind, handlers that
 * fail in every way, and redirects built from client input.
 */
import { Application, RequestHandler, Response, Route, UploadedFile, type ApplicationOptions, type Logger, type Request } from "../../lib/index.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class ProductHandler extends RequestHandler {
  get(id: string) {
    return `product ${id}`;
  }
  post(id: string) {
    return [201, { created: id }];
  }
}

class PostHandler extends RequestHandler {
  get(params: { year: string; slug: string }) {
    return { year: params.year, slug: params.slug };
  }
}

/** The same-site redirect helper fed by the client: `?to=` goes to `handler.redirect(to, { sameSite: true })`. */
class GoHandler extends RequestHandler {
  get() {
    return this.redirect(this.request.query.get("to") ?? "/", { sameSite: true });
  }
}

/** The kinds of route a handler can be reached by, and the handlers that misbehave. */
export function attackRoutes(app: Application): void {
  app.route("/health")(() => "ok");
  app.route("/")(() => "home");
  app.route("/users/:id")((_request: Request, params: { id: string }) => ({ id: params.id }));
  app.route("/files/*path")((_request: Request, params: { path: string[] }) => ({ path: params.path }));
  app.route("/docs{/:page}")((_request: Request, params: { page?: string }) => ({ page: params.page ?? null }));
  app.add(new Route(/^\/products\/(\d+)$/, ProductHandler, { methods: ["GET", "POST"] }));
  app.add(new Route("/posts/:year/:slug", PostHandler, { params: { year: /\d{4}/ } }));
  app.add(new Route(/^\/tags\/(?<tag>[^/]+)$/, (_request: Request, params: { tag: string }) => ({ tag: params.tag })));
  app.add(["/go", GoHandler]);

  app.route("/echo")(async (request: Request) => `got ${(await request.body()).length} bytes`);
  app.route("/text")(async (request: Request) => new Response(await request.text(), 200, { "content-type": "text/plain; charset=utf-8" }));
  app.route("/json")(async (request: Request) => ({ received: await request.json() }));
  const formHandler = async (request: Request) => {
    const form = await request.form();
    const out: Record<string, unknown> = Object.create(null);
    for (const [name, value] of form) out[name] = value instanceof UploadedFile ? { file: value.filename, size: value.size } : value;
    return { fields: [...form.keys()].length, form: out };
  };
  app.route("/form")(formHandler);
  // A route with a large body limit, so the form's own limits answer first.
  app.route("/form-big", { bodyLimit: 4 * 1024 * 1024 })(formHandler);
  // Tight multipart limits, so random forms cross each of them.
  app.route("/form-tight")(async (request: Request) => {
    const form = await request.form({ maxFileSize: 64, maxFieldSize: 64, maxFiles: 2, maxFields: 3, memoryThreshold: 16 });
    return { names: [...form.keys()] };
  });
  app.route("/redirect-raw")((request: Request) => Response.redirect(request.query.get("to") ?? "/"));
  app.route("/query")((request: Request) => ({ keys: [...request.query.keys()], first: request.query.toObject() }));
  app.route("/cookies")((request: Request) => ({ cookies: request.cookies }));
  app.route("/path")((request: Request) => ({ path: request.path, raw: request.rawPath }));

  app.route("/throw")(() => {
    throw new Error("sync failure at /srv/app/secret.ts");
  });
  app.route("/reject")(async () => {
    await sleep(1);
    throw new TypeError("async failure");
  });
  app.route("/throw-string")(() => {
    throw "a string, not an Error";
  });
  app.route("/stream-fails")(() =>
    (async function* () {
      yield "first chunk\n";
      await sleep(5);
      throw new Error("failed after the head was sent");
    })(),
  );
  app.route("/stream")(() =>
    (async function* () {
      yield "one ";
      yield "two";
    })(),
  );
  app.route("/slow")(async () => {
    await sleep(200);
    return "slow done";
  });
  app.route("/set-header")((request: Request) => new Response("ok", 200, { "x-echo": request.query.get("v") ?? "" }));
  app.route("/set-cookie")((request: Request) => new Response("ok").setCookie("c", request.query.get("v") ?? ""));
}

/** A target app with every route kind, a recording logger, and short timeouts unless overridden. */
export function attackApp(logger: Logger, options: ApplicationOptions = {}): Application {
  const app = new Application([], {
    logger,
    headersTimeout: 600,
    requestTimeout: 1_000,
    keepAliveTimeout: 2_000,
    connectionsCheckingInterval: 50,
    bodyLimit: 64 * 1024,
    ...options,
  });
  attackRoutes(app);
  return app;
}
