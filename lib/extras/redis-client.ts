/**
 * One Redis command, whichever client the application brought: node-redis
 * (`redis`) or ioredis. handlerkit depends on neither; the stores built on
 * Redis take the user's own, connected client through this adapter.
 */

/** node-redis (the `redis` package, v4 and later): `client.sendCommand(["SET", key, value])`. */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}

/** ioredis: `client.call("SET", key, value)`. */
export interface IoRedisLike {
  call(command: string, ...args: string[]): Promise<unknown>;
}

/**
 * A Redis client the Redis stores accept: a node-redis or an ioredis
 * client (connected; the store never connects or closes it), or a
 * function that runs one command given as a list of strings, for any other
 * client. Cluster clients need the function form, routing by the key.
 */
export type RedisClient = NodeRedisLike | IoRedisLike | ((args: string[]) => Promise<unknown>);

/** Run one Redis command (`["GET", key]`) and resolve to its reply. */
export type RedisCommand = (args: string[]) => Promise<unknown>;

/**
 * The command runner for a client. ioredis is recognised by `call` (it has
 * a `sendCommand` too, taking its own `Command` objects), node-redis by
 * `sendCommand`. Anything else is a `TypeError` naming the three shapes.
 *
 * @example
 * const run = redisCommand(createClient());        // node-redis
 * const run2 = redisCommand(new Redis());           // ioredis
 * await run(["SET", "greeting", "hello", "EX", "60"]);
 */
export function redisCommand(client: RedisClient): RedisCommand {
  if (typeof client === "function") return client;
  if (typeof client === "object" && client !== null) {
    if (typeof (client as IoRedisLike).call === "function") {
      const io = client as IoRedisLike;
      return (args) => io.call(args[0]!, ...args.slice(1));
    }
    if (typeof (client as NodeRedisLike).sendCommand === "function") {
      const node = client as NodeRedisLike;
      return (args) => node.sendCommand(args);
    }
  }
  throw new TypeError("A Redis client is a node-redis client (createClient() from \"redis\"), an ioredis client (new Redis()), or a function running one command given as a list of strings.");
}
