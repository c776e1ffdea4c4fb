/**
 * lib/server/send-timeout.ts: which connections a sweep cuts, over fake
 * sockets and a clock given by the spec. The same over real sockets is in
 * spec/e2e/server-send-timeout.spec.ts.
 */
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { SendTimeout } from "../../lib/server/send-timeout.js";

class FakeSocket extends EventEmitter {
  writableLength = 0;
  bytesWritten = 0;
  destroyed = false;
  destroy() {
    this.destroyed = true;
    this.emit("close");
  }
  /** Queue `n` bytes. */
  queue(n: number) {
    this.writableLength += n;
    this.bytesWritten += n;
  }
  /** The client took `n` of the queued bytes. */
  take(n: number) {
    this.writableLength -= n;
  }
}

function watched(timeout = 1_000): [SendTimeout, FakeSocket] {
  const sends = new SendTimeout(timeout);
  const socket = new FakeSocket();
  sends.watch(socket as unknown as Socket);
  return [sends, socket];
}

describe("SendTimeout", () => {
  it("cuts a connection whose queued bytes have not moved for the timeout", () => {
    const [sends, socket] = watched();
    const t = Date.now();
    sends.sweep(t);
    socket.queue(64 * 1024);
    sends.sweep(t + 500);
    expect(socket.destroyed).toBe(false);
    sends.sweep(t + 999);
    expect(socket.destroyed).toBe(false);
    sends.sweep(t + 1_000);
    expect(socket.destroyed).toBe(true);
    expect(sends.size).toBe(0);
  });

  it("keeps a slow reader that takes a piece per timeout, however long the whole takes", () => {
    const [sends, socket] = watched();
    const t = Date.now();
    socket.queue(64 * 1024);
    for (let i = 1; i <= 20; i++) {
      socket.take(64 * 1024);
      socket.queue(64 * 1024);
      sends.sweep(t + i * 900);
    }
    expect(socket.destroyed).toBe(false);
  });

  it("never cuts a connection with nothing queued, however long it idles", () => {
    const [sends, socket] = watched();
    const t = Date.now();
    for (let i = 1; i <= 10; i++) sends.sweep(t + i * 5_000);
    expect(socket.destroyed).toBe(false);
    // The stall clock starts when bytes are first seen waiting, not at the connection's start.
    socket.queue(10);
    sends.sweep(t + 50_500);
    expect(socket.destroyed).toBe(false);
    sends.sweep(t + 51_000);
    expect(socket.destroyed).toBe(true);
  });

  it("forgets a connection once it closes", () => {
    const [sends, socket] = watched();
    expect(sends.size).toBe(1);
    socket.emit("close");
    expect(sends.size).toBe(0);
  });
});
