/**
 * The names the docs' fragments use without defining them (`db`,
 * `UserHandler`, `app`): declared here, typed, so a fragment is still
 * type-checked. A fragment sees every export of this file it does not
 * declare itself. Add a name here when a new fragment needs one; keep the
 * types honest (what the surrounding prose says the name is).
 */
import type { Application, Request, RequestHandler, RouteLike } from "../../lib/index.js";

/** An application, as the guide's fragments use one. */
export declare const app: Application;
/** The routes given to `new Application(routes, ...)`. */
export declare const routes: RouteLike[];
/** The request of a function handler. */
export declare const request: Request;
