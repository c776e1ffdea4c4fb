/**
 * The todo application's settings from the environment, for `npm start`
 * and `handlerkit serve`:
 *
 * | variable | default |
 * | --- | --- |
 * | `TODO_DB` | `examples/todo/data/todo.db` in the source tree (git ignores `data/`) |
 * | `TODO_USER`, `TODO_PASSWORD` | `demo`, `demo` |
 * | `TODO_API_TOKEN` | in development, a random token printed at startup; in production (`NODE_ENV=production`), required |
 * | `SECRET` | in development, a random one (a restart logs everyone out); in production, required |
 * | `TODO_DEBUG` | off; `1` turns on handlerkit's debug mode |
 */
import { join } from "node:path";
import { randomToken } from "../../lib/index.js";
import { sourceFolder, type TodoAppOptions } from "./app.js";

/** The options of `createTodoApp()` from `env`, and what to print about them at startup. */
export function todoConfig(env: NodeJS.ProcessEnv): TodoAppOptions {
  const production = env.NODE_ENV === "production";
  const required = (name: string, what: string) => {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
    if (production) throw new Error(`Set ${name} (${what}): NODE_ENV is production, where no random one is made up.`);
    return undefined;
  };
  const givenToken = required("TODO_API_TOKEN", "the API's bearer token");
  const apiToken = givenToken ?? randomToken();
  const secret = required("SECRET", "the session-signing secret, 32 bytes or more") ?? randomToken();
  const db = env.TODO_DB || join(sourceFolder("."), "data", "todo.db");
  const user = { name: env.TODO_USER || "demo", password: env.TODO_PASSWORD || "demo" };
  return {
    db,
    user,
    apiToken,
    secret,
    debug: env.TODO_DEBUG === "1",
    banner: [
      `todo: database ${db}`,
      `todo: log in as ${user.name}, password ${env.TODO_PASSWORD ? "from TODO_PASSWORD" : user.password}`,
      givenToken === undefined ? `todo: API token (made for this run; set TODO_API_TOKEN to keep one): ${apiToken}` : "todo: API token from TODO_API_TOKEN",
    ],
  };
}
