/** `./handlers/orders.js` as routes-and-cli.md's `HandlerPrefixRoute` loads it. */
import { RequestHandler } from "../../../../lib/index.js";

/** The order list. */
export class OrderList extends RequestHandler {
  get() {
    return [];
  }
}

/** One order. */
export class OrderDetail extends RequestHandler {
  get(params: { id: string }) {
    return { id: params.id };
  }
}
