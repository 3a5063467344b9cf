import type { Socket } from "node:net";

/** Bytes over Chromium's connections to the proxy: `up` Chromium → proxy, `down` proxy → Chromium. */
export interface EgressBytes {
  up: number;
  down: number;
}

/**
 * Counts the bytes on the connections Chromium opens to the proxy: the sockets' own counters
 * (headers, bodies and tunnelled TLS alike), live sockets read as they go so a long tunnel
 * counts before it closes, closed ones kept as a running total.
 */
export class ClientByteMeter {
  private readonly live = new Set<Socket>();
  private closedUp = 0;
  private closedDown = 0;

  watch(socket: Socket): void {
    this.live.add(socket);
    socket.once("close", () => {
      if (!this.live.delete(socket)) return;
      this.closedUp += socket.bytesRead;
      this.closedDown += socket.bytesWritten;
    });
  }

  bytes(): EgressBytes {
    let up = this.closedUp;
    let down = this.closedDown;
    for (const socket of this.live) {
      up += socket.bytesRead;
      down += socket.bytesWritten;
    }
    return { up, down };
  }
}
