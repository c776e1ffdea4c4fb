/**
 * An application on a real socket for the middleware and file specs: listen
 * on 127.0.0.1, request with undici, read the body as bytes, close.
 */
import type { AddressInfo } from "node:net";
import { request } from "undici";
import type { Application } from "../../lib/index.js";

/** What came over the wire: status, headers (lower-case names) and the raw body bytes, undecoded. */
export interface WireResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  text: string;
}

/** Listen on a free port of 127.0.0.1, run `use` with a request function, then close the app. */
export async function overSocket(app: Application<any, any>, use: (fetch: (path: string, options?: Parameters<typeof request>[1]) => Promise<WireResult>, base: string) => Promise<void>): Promise<void> {
  const server = await app.listen(0, "127.0.0.1");
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await use(async (path, options = {}) => {
      const res = await request(`${base}${path}`, options);
      const bytes = Buffer.from(await res.body.arrayBuffer());
      return { status: res.statusCode, headers: res.headers, bytes, text: bytes.toString("utf8") };
    }, base);
  } finally {
    await app.close();
  }
}
