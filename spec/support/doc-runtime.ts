/**
 * What `handlerkit` is when the docs spec runs a sample: the package as it
 * is, except that `app.listen()` binds a free port on 127.0.0.1 (a sample
 * may say `listen(8080)`; the tests must not take that port) and the spec
 * closes every application a sample left listening.
 */
import { Application as Base } from "../../lib/index.js";

export * from "../../lib/index.js";

const listening = new Set<Base<any, any>>();

/** `Application`, listening on a free loopback port whatever port it is given. */
export class Application<Config = Record<string, unknown>> extends Base<Config> {
  override listen(...args: unknown[]): Promise<any> {
    const options = typeof args[0] === "object" && args[0] !== null ? args[0] : {};
    listening.add(this);
    return super.listen({ ...options, port: 0, host: "127.0.0.1" });
  }

  override run(): never {
    throw new Error("A docs sample that calls app.run() cannot run in a test: mark it ```ts fragment.");
  }
}

/** Close every application a sample started. */
export async function closeAll(): Promise<void> {
  const apps = [...listening];
  listening.clear();
  await Promise.all(apps.map((app) => app.close({ timeout: 100 })));
}
