/**
 * The current request, from anywhere in its async call chain, over
 * `AsyncLocalStorage`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Request, RequestApp } from "./request.js";

/** The storage the application runs each request in (see `Application.process`). */
export const requestContext = new AsyncLocalStorage<Request>();

/**
 * The request being handled, from anywhere in its async call chain (a
 * model, a logger, a helper deep in a service), or `undefined` outside one.
 * The application keeps it on by default; turn it off with the application
 * option `context: false`, and this returns `undefined`.
 *
 * @example
 * export function audit(action: string) {
 *   const request = getRequest();
 *   log.info({ action, path: request?.rawPath, id: request?.id });
 * }
 */
export function getRequest(): Request | undefined {
  return requestContext.getStore();
}

/** The application handling the current request (see {@link getRequest}). */
export function getApp(): RequestApp | undefined {
  return requestContext.getStore()?.app;
}
