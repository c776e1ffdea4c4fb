/** `./routes.js` as routes-and-cli.md imports it: what `handlerkit routes --types` writes for its example folder. */
import type { Converter, Route } from "../../../lib/index.js";

/** The named routes of the example folder. */
export type Routes = [Route<"/", "index">, Route<"/todo", "todo">, Route<"/todo/:id", "todo.id", { id: Converter<number> }>];
