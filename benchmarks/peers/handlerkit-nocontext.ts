/**
 * handlerkit with `context: false` (no `getRequest()`): not in the default
 * run; `npm run bench -- --peers=handlerkit,handlerkit-nocontext --targets=hello`
 * measures what the request context costs, in the same interleaved rounds.
 */
import type { Server } from "node:http";
import { peer as handlerkit } from "./handlerkit.js";
import type { Peer, ServeOptions, ServerScenario } from "../scenarios.js";

export const peer: Peer = {
  ...handlerkit,
  name: "handlerkit-nocontext",
  async serve(scenario: ServerScenario, options: ServeOptions): Promise<Server> {
    return handlerkit.serve(scenario, { ...options, context: false });
  },
};
