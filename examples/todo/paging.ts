/**
 * `?page=` and `?limit=`, for the API's lists and the pages' alike: whole
 * numbers in bounds, or a 400 naming the parameter.
 */
import { BadRequest, type Request } from "../../lib/index.js";

/** How many items a page holds unless `?limit=` says. */
export const DEFAULT_LIMIT = 20;
/** The most items `?limit=` may ask for. */
export const MAX_LIMIT = 100;

/** Where a page starts and how long it is. */
export interface Paging {
  page: number;
  limit: number;
  offset: number;
}

const WHOLE = /^[0-9]{1,9}$/;

/**
 * The paging a request asks for: `page` from 1 (default 1), `limit` from 1
 * to 100 (default 20). Anything else, a parameter given twice included, is
 * a 400 saying which parameter and what it got:
 * `The query parameter limit must be a whole number from 1 to 100, not "500".`
 *
 * @example
 * const { offset, limit } = paging(request);
 */
export function paging(request: Request): Paging {
  const page = wholeNumber(request, "page", 1, Number.MAX_SAFE_INTEGER, "from 1 up");
  const limit = wholeNumber(request, "limit", DEFAULT_LIMIT, MAX_LIMIT, `from 1 to ${MAX_LIMIT}`);
  return { page, limit, offset: (page - 1) * limit };
}

function wholeNumber(request: Request, name: string, fallback: number, max: number, bounds: string): number {
  const values = request.query.getAll(name);
  if (values.length === 0) return fallback;
  const value = values[0]!;
  const n = values.length === 1 && WHOLE.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= max)) {
    const given = values.length === 1 ? JSON.stringify(value.slice(0, 50)) : `${values.length} values`;
    throw new BadRequest(`The query parameter ${name} must be a whole number ${bounds}, not ${given}.`, { detail: { parameter: name } });
  }
  return n;
}
