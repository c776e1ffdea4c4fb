import { describe, expect, it } from "vitest";
import { Application, BadRequest, Route, converters, type Converter, type Request } from "../../lib/index.js";

const echo = (_request: Request, params: Record<string, unknown>) => ({ params, types: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v])) });

describe("converters", () => {
  const app = new Application([
    new Route("/users/:id", echo, { name: "user", params: { id: converters.int } }),
    new Route("/users/:name", (_r: Request, p: { name: string }) => `profile ${p.name}`),
    new Route("/prices/:amount", echo, { name: "price", params: { amount: converters.float } }),
    new Route("/things/:id", echo, { name: "thing", params: { id: converters.uuid } }),
  ]);

  it("int: validates on the way in and types the value as a number", async () => {
    const res = await app.getResponse("/users/42");
    expect(await res.json()).toEqual({ params: { id: 42 }, types: { id: "number" } });
    expect(await (await app.getResponse("/users/-7")).json()).toEqual({ params: { id: -7 }, types: { id: "number" } });
  });

  it("a value that does not fit the pattern does not match: the next route is tried, else 404", async () => {
    expect(await (await app.getResponse("/users/ada")).text()).toBe("profile ada");
    expect((await app.getResponse("/prices/abc")).status).toBe(404);
  });

  it("a value that fits the pattern but does not parse is a 400", async () => {
    // 16 digits fit the pattern, but this is past Number.MAX_SAFE_INTEGER.
    const res = await app.getResponse("/users/9999999999999999", { headers: { accept: "application/json" } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 400, message: '"9999999999999999" is not a safe integer.' });
  });

  it("float and uuid", async () => {
    expect(await (await app.getResponse("/prices/9.5")).json()).toEqual({ params: { amount: 9.5 }, types: { amount: "number" } });
    const id = "0F8FAD5B-D9CB-469F-A165-70867728950E";
    expect(await (await app.getResponse(`/things/${id}`)).json()).toEqual({ params: { id: id.toLowerCase() }, types: { id: "string" } });
    expect((await app.getResponse("/things/not-a-uuid")).status).toBe(404);
  });

  it("formats values on the way out in URL building", () => {
    expect(app.uriFor("user", { id: 42 })).toBe("/users/42");
    expect(app.uriFor("price", { amount: 9.5 })).toBe("/prices/9.5");
    expect(app.uriFor("thing", { id: "0F8FAD5B-D9CB-469F-A165-70867728950E" })).toBe("/things/0f8fad5b-d9cb-469f-a165-70867728950e");
    expect(() => app.uriFor("user", { id: 1.5 })).toThrow("1.5 is not an integer.");
  });

  it("takes custom converters; their HttpErrors pass through, other throws are a 400", async () => {
    const yearMonth: Converter<{ year: number; month: number }> = {
      pattern: /\d{4}-\d{2}/,
      parse(text) {
        const month = Number(text.slice(5));
        if (month < 1 || month > 12) throw new Error("no such month");
        if (text.startsWith("0000")) throw new BadRequest("Year zero is not a year.");
        return { year: Number(text.slice(0, 4)), month };
      },
      format: (v) => `${v.year}-${String(v.month).padStart(2, "0")}`,
    };
    const custom = new Application([new Route("/archive/:ym", echo, { name: "archive", params: { ym: yearMonth } })]);
    expect(await (await custom.getResponse("/archive/2024-03")).json()).toEqual({ params: { ym: { year: 2024, month: 3 } }, types: { ym: "object" } });
    const bad = await custom.getResponse("/archive/2024-13", { headers: { accept: "application/json" } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 400, message: 'Invalid value for parameter "ym".' });
    const zero = await custom.getResponse("/archive/0000-01", { headers: { accept: "application/json" } });
    expect(await zero.json()).toEqual({ error: 400, message: "Year zero is not a year." });
    expect(custom.uriFor("archive", { ym: { year: 2025, month: 1 } })).toBe("/archive/2025-01");
  });
});
