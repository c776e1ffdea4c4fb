/** `./handlers/product.js` as the guide's lazy-handler sample imports it. */
import { RequestHandler } from "../../../../lib/index.js";

/** The product handler the guide loads lazily. */
export class ProductHandler extends RequestHandler {
  get(productId: string) {
    return { id: productId };
  }
}
