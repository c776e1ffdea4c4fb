/** The Redis client adapter: node-redis, ioredis or a function, one command at a time. */
import { expect, it } from "vitest";
import { redisCommand } from "../../lib/extras/redis-client.js";

it("runs a command through node-redis's sendCommand, ioredis's call, or a function", async () => {
  const seen: unknown[] = [];
  const nodeRedis = { sendCommand: async (args: string[]) => (seen.push(["sendCommand", args]), "node") };
  // ioredis has both; its sendCommand takes Command objects, so call must win.
  const ioredis = { call: async (command: string, ...args: string[]) => (seen.push(["call", command, args]), "io"), sendCommand: () => { throw new Error("not this one"); } };
  const fn = async (args: string[]) => (seen.push(["fn", args]), "fn");
  expect(await redisCommand(nodeRedis)(["GET", "k"])).toBe("node");
  expect(await redisCommand(ioredis)(["SET", "k", "v"])).toBe("io");
  expect(await redisCommand(fn)(["DEL", "k"])).toBe("fn");
  expect(seen).toEqual([["sendCommand", ["GET", "k"]], ["call", "SET", ["k", "v"]], ["fn", ["DEL", "k"]]]);
});

it("refuses anything else, naming the shapes it takes", () => {
  for (const client of [{}, null, "redis://localhost"]) {
    expect(() => redisCommand(client as never)).toThrow('A Redis client is a node-redis client (createClient() from "redis"), an ioredis client (new Redis()), or a function running one command given as a list of strings.');
  }
});
