/**
 * JSON views, django-jsonview's idea: a handler whose every answer is JSON,
 * its errors included. `jsonView(fn)` for functions (and classes),
 * `JsonHandler` for classes.
 */
import { isHandlerClass, isThenable } from "../core/adapters.js";
import { readableError } from "../http/errors.js";
import { errorStatus } from "./error-body.js";
import { renderError } from "./error-page.js";
import { jsonContentType, stringifyWith, type JsonOptions } from "../http/json-encoder.js";
import { readTuple, tupleData } from "../core/dispatcher.js";
import type { Request } from "../core/request.js";
import { RequestHandler } from "../core/request-handler.js";
import { Response } from "../core/response.js";

/** Options of a JSON view: how it writes JSON, in place of the app's `json` options (parsing stays app-wide). */
export type JsonViewOptions = Omit<JsonOptions, "parse">;

/** The message of a JSON view's 5xx outside debug mode, as django-jsonview words it. */
export const HIDDEN_ERROR_MESSAGE = "An error occurred";

/**
 * Turn what a JSON view returned into a JSON response. A `Response` passes
 * unchanged; a tuple (`[data, status]`, `[data, status, headers]`,
 * `[status, data]`, `[3xx, location]`, by the grammar of `readTuple`) sets
 * the status and headers; anything else (strings and numbers too) is the
 * JSON body, `undefined` being `null`. `own` is the handler's
 * `this.response`, whose status, headers and cookies are kept, and whose
 * body is kept when the handler wrote one and returned nothing. A
 * `Content-Type` already set is left alone.
 */
export function jsonResponse(result: unknown, request: Request, options?: JsonViewOptions, own?: Response): Response {
  if (result instanceof Response) return result;
  const app = request.settings.json;
  const tuple = Array.isArray(result) ? readTuple(result) : undefined;
  let response: Response;
  if (tuple?.kind === "redirect") {
    return Response.redirect(tuple.location, tuple.status);
  } else if (tuple !== undefined) {
    const data = tupleData(tuple);
    response = new Response(undefined, tuple.status, tuple.kind === "body" ? tuple.headers : undefined);
    response.setBody(stringifyWith(data === undefined ? null : data, options, app));
  } else {
    response = own ?? new Response();
    // A body the handler wrote itself (and returned nothing) is its answer.
    const written = result === undefined && (response.isStreaming || (response.contentLength ?? 0) > 0);
    if (!written) response.setBody(stringifyWith(result === undefined ? null : result, options, app));
  }
  if (!response.headers.has("content-type")) response.headers.set("content-type", jsonContentType(options, app));
  return response;
}

/**
 * Turn anything a JSON view threw into a JSON error response through the
 * one error renderer (`renderError`): `{"error": status, "message": ...}`
 * (or problem details) with the `HttpError`'s status and headers (500 for
 * anything else) and its `detail`. A 5xx says "An error occurred" unless
 * `debug` is on, when it gives the message and the stack; it is logged once
 * through `app.logError` (the view answers it, so the application never
 * sees it).
 */
export function jsonErrorResponse(error: unknown, request: Request, options?: JsonViewOptions, debug: boolean = request.settings.debug): Response {
  error = readableError(error);
  if (errorStatus(error) >= 500) request.app?.logError(request, error);
  return renderError(request, error, { format: "json", json: options, debug, hidden: HIDDEN_ERROR_MESSAGE });
}

/** A `RequestHandler` subclass, as `jsonView()` takes one. */
type HandlerSubclass = abstract new (request: Request, response: never) => RequestHandler;

/**
 * Wrap a handler so that everything it returns or throws is answered as
 * JSON (see {@link jsonResponse} and {@link jsonErrorResponse}). A function
 * gives a function; a `RequestHandler` subclass gives a subclass of it with
 * `JsonHandler`'s behaviour (django-jsonview's `json_view(MyView.as_view())`):
 * its methods' results as JSON, and every error it throws or its own
 * `handleException` passes on. Either way the route's errors, the router's
 * 404 and 405 included, are JSON too, without `jsonErrors: true` on the
 * route. `options` override the app's `json` options for this view: a
 * faster `stringify`, an `indent`, a `contentType`.
 *
 * An array is read by the tuple grammar (`readTuple`): `[data, 201]` is
 * data with a status; an array that fits no tuple (`[3, 120]`) is data.
 *
 * @example
 * app.route("/api/users/:id")(jsonView(async (request, params: { id: string }) => {
 *   const user = await db.find(params.id);
 *   if (!user) throw new NotFound("No such user");   // {"error":404,"message":"No such user"}
 *   return [user, 200, { "cache-control": "no-store" }];
 * }));
 * new Route("/api/items", jsonView(ItemHandler));     // a class: its results and errors as JSON
 */
export function jsonView<Args extends unknown[]>(fn: (request: Request, ...args: Args) => unknown, options?: JsonViewOptions): (request: Request, ...args: Args) => Promise<Response>;
export function jsonView<C extends HandlerSubclass>(cls: C, options?: JsonViewOptions): C;
export function jsonView(target: Function, options?: JsonViewOptions): Function {
  if (isHandlerClass(target)) return jsonClass(target as unknown as typeof RequestHandler, options);
  const fn = target as (request: Request, ...args: unknown[]) => unknown;
  const view = async function (this: unknown, request: Request, ...args: unknown[]): Promise<Response> {
    try {
      return jsonResponse(await fn.call(this, request, ...args), request, options);
    } catch (error) {
      return jsonErrorResponse(error, request, options);
    }
  };
  // Keep the handler's name for the debug page and stack traces.
  Object.defineProperty(view, "name", { value: fn.name || "jsonView" });
  // Read by the route's settings: its 404 and 405 are JSON too.
  Object.defineProperty(view, "jsonErrors", { value: true });
  return view;
}

// `jsonView(SomeHandler)`: the class, answering as `JsonHandler` does. Its
// own `handleException` runs first; what it returns is sent as JSON, what
// it throws is answered as a JSON error.
function jsonClass(cls: typeof RequestHandler, options: JsonViewOptions | undefined): typeof RequestHandler {
  const own = () => options ?? (cls as { json?: JsonViewOptions }).json;
  const view = class extends cls {
    static jsonErrors = true;

    override async dispatch(): Promise<Response> {
      return jsonResponse(await super.dispatch(), this.request, own(), this.response);
    }

    override handleException(error: unknown, debug: boolean): unknown {
      let answer: unknown;
      try {
        answer = super.handleException(error, debug);
      } catch (thrown) {
        return jsonErrorResponse(thrown, this.request, own(), debug);
      }
      if (!isThenable(answer)) return jsonResponse(answer, this.request, own(), this.response);
      return Promise.resolve(answer).then(
        (result) => jsonResponse(result, this.request, own(), this.response),
        (thrown: unknown) => jsonErrorResponse(thrown, this.request, own(), debug),
      );
    }
  };
  Object.defineProperty(view, "name", { value: cls.name });
  return view;
}

/**
 * A `RequestHandler` whose every answer is JSON: method results through
 * {@link jsonResponse}, every error (a missing method's 405 included)
 * through {@link jsonErrorResponse}. Set `static json` to override the
 * app's JSON options for the class. Overriding `dispatch()` works as with
 * any handler; call `super.dispatch()` to keep the JSON conversion.
 *
 * @example
 * class UserApi extends JsonHandler {
 *   static override json = { contentType: "application/vnd.api+json" };
 *   async get(params: { id: string }) {
 *     return (await db.find(params.id)) ?? this.abort(404, { message: "No such user" });
 *   }
 *   async post() {
 *     const body = await this.request.json<{ name?: string }>();
 *     if (!body.name) throw new BadRequest("Invalid user", { detail: { name: ["required"] } });
 *     return [await db.create(body), 201];
 *   }
 * }
 */
export class JsonHandler extends RequestHandler {
  /** JSON options for this class, in place of the app's. */
  static json: JsonViewOptions | undefined = undefined;
  /** The route's errors, the router's 404 and 405 included, are JSON (set false to negotiate them instead). */
  static jsonErrors = true;

  /** Dispatch as `RequestHandler` does, then turn the result into a JSON response. */
  override async dispatch(): Promise<Response> {
    const result = await super.dispatch();
    return jsonResponse(result, this.request, (this.constructor as typeof JsonHandler).json, this.response);
  }

  /** Answer any error as JSON (override to answer some differently, and call `super` for the rest). */
  override handleException(error: unknown, debug: boolean): unknown {
    return jsonErrorResponse(error, this.request, (this.constructor as typeof JsonHandler).json, debug);
  }
}
