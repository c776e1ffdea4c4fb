/**
 * `handlerkit@REV`: the same adapter as `handlerkit`, on the `lib/` of an
 * earlier revision that `--baseline=REV` compiled (see `baseline.ts`). The
 * runner passes the compiled `lib/index.js` and the revision's name in the
 * environment, so the server children load it too.
 */
import { pathToFileURL } from "node:url";
import { handlerkitPeer, type HandlerkitLib } from "./handlerkit-peer.js";

const file = process.env.BENCH_BASELINE_LIB;
const revision = process.env.BENCH_BASELINE_REV;
if (file === undefined || revision === undefined) throw new Error("handlerkit@REV needs --baseline=REV (BENCH_BASELINE_LIB and BENCH_BASELINE_REV are unset).");

export const peer = handlerkitPeer((await import(pathToFileURL(file).href)) as HandlerkitLib, `handlerkit@${revision}`, pathToFileURL(file).href);
