/** Handlers loaded lazily by spec/core/adapters.spec.ts. */
import { RequestHandler } from "../../lib/index.js";

export class ProductHandler extends RequestHandler {
  get(params: { id: string }) {
    return `lazy product ${params.id}`;
  }
}

export default function lazyDefault() {
  return "lazy default";
}
