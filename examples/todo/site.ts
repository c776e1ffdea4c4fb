/**
 * The todo application configured from the environment (see `config.ts`):
 * the module `npm start` runs and `handlerkit serve` / `handlerkit routes`
 * take (it exports the application as `default` and as `app`).
 *
 *     npm run build && npx handlerkit routes dist/examples/todo/site.js
 *     npx handlerkit serve --port 8080 dist/examples/todo/site.js
 */
import { createTodoApp } from "./app.js";
import { todoConfig } from "./config.js";

/** The application, on `TODO_DB`. */
export const app = await createTodoApp(todoConfig(process.env));
export default app;
