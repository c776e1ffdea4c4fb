/**
 * The two clients the end-to-end specs share: undici for well-formed
 * requests, and a raw `node:net` socket for bytes no client library sends.
 */
import { connect } from "node:net";
import { request } from "undici";

/** A request with undici, read whole: status, headers and the body as text. */
export async function fetchResult(url: string, options: Parameters<typeof request>[1] = {}) {
  const res = await request(url, options);
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

/** Send raw bytes to 127.0.0.1:`port` and read everything the server says until it closes (or `ms` pass). */
export function raw(port: number, bytes: string | Buffer, ms = 500): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    let data = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk) => (data += chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(data));
    setTimeout(() => socket.destroy(), ms);
  });
}
