/**
 * webapp2's `RedirectRoute`: a route whose only job is to send the client
 * elsewhere, with the strict-slash behaviour built on the trailing-slash
 * policy.
 */
import type { Request } from "../core/request.js";
import { Response } from "../core/response.js";
import { Route, type Pattern, type RouteOptions } from "../core/route.js";

/** Where a `RedirectRoute` sends the client: a URL, a named route (given the matched params), or a function of the request. */
export type RedirectTarget = string | { name: string; params?: Record<string, unknown> } | ((request: Request, params: Record<string, any>) => string);

/** Options of a `RedirectRoute`: a route's options plus the redirect's kind. */
export interface RedirectRouteOptions extends RouteOptions {
  /** A 301 (the default) rather than a 302. Ignored when `status` is given. */
  permanent?: boolean;
  /** An explicit 3xx status (307 and 308 keep the method and body). */
  status?: number;
  /**
   * webapp2's `strict_slash`: the other form of the path (with or without
   * its trailing slash) is redirected to this route's too. The same as
   * `trailingSlash: "redirect"`.
   */
  strictSlash?: boolean;
  /**
   * Let the target be on another host (`https://new.example/`). Without it
   * such a target is refused with a logged 500, as every redirect is,
   * unless the host is in the app's `redirectHosts`.
   */
  allowOtherHost?: boolean;
}

/**
 * A route that redirects. The target is a URL, a named route (built with
 * the params matched here, plus any given), or a function. Query strings
 * are not carried over unless the target does so. The target is checked as
 * any redirect's (`Response.redirect`): another host needs `allowOtherHost`.
 *
 * @example
 * new RedirectRoute("/old-blog/:slug", { name: "post" });          // 301 to the "post" route, same slug
 * new RedirectRoute("/home", "/", { permanent: false });            // 302 to /
 * new RedirectRoute("/docs/", "/documentation/", { strictSlash: true }); // /docs and /docs/ both redirect
 * new RedirectRoute("/blog/*rest", "https://blog.example/", { allowOtherHost: true });
 */
export class RedirectRoute<const P extends Pattern = Pattern, const N extends string = string> extends Route<P, N> {
  /** Where this route redirects to. */
  readonly target: RedirectTarget;

  constructor(pattern: P, target: RedirectTarget, options: RedirectRouteOptions & { name?: N } = {}) {
    const status = options.status ?? (options.permanent === false ? 302 : 301);
    if (status < 300 || status > 399) throw new RangeError(`A redirect status is 3xx, not ${status}.`);
    const trailingSlash = options.strictSlash ? "redirect" : options.trailingSlash;
    const policy = { allowOtherHost: options.allowOtherHost === true };
    // One handler per route, made at registration.
    const handler = (request: Request, params?: Record<string, any>) =>
      Response.redirect(resolveTarget(target, request, request.route?.named ? (params ?? {}) : {}), status, policy);
    super(pattern, handler as never, { ...options, trailingSlash });
    this.target = target;
  }
}

function resolveTarget(target: RedirectTarget, request: Request, params: Record<string, any>): string {
  if (typeof target === "string") return target;
  if (typeof target === "function") return target(request, params);
  return request.app.router.build(request, target.name, { ...params, ...target.params });
}
