/** handlerkit from this checkout's `lib/`. */
import * as lib from "../../lib/index.js";
import { handlerkitPeer } from "./handlerkit-peer.js";

export const peer = handlerkitPeer(lib, "handlerkit", new URL("../../lib/index.js", import.meta.url).href);
