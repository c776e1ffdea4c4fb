/** `./handlers/product.js` as the lazy-handler sample of docs/handlers.md imports it. */
import { RequestHandler } from "../../../../lib/index.js";

/** The product handler docs/handlers.md loads lazily. */
export class ProductHandler extends RequestHandler {
  get(productId: string) {
    return { id: productId };
  }
}
