import { WebSocket } from "ws";

export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

/**
 * A plain CDP connection over `ws` (flat sessions): send a command, get its result; listen to
 * events. The worker's own identity work uses it rather than Playwright, whose connect costs
 * ~220 ms and whose defaults (download behaviour, UA override) interfere with client sessions.
 */
export class RawCdpConnection {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (result: Record<string, unknown>) => void; reject: (err: Error) => void }>();
  private readonly listeners = new Set<(event: CdpEvent) => void>();
  private readonly closeListeners = new Set<() => void>();
  private closed = false;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => this.onMessage(data.toString()));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      this.closed = true;
      for (const waiter of this.pending.values()) waiter.reject(new Error("the browser's CDP connection closed"));
      this.pending.clear();
      for (const listener of this.closeListeners) listener();
    });
  }

  /** Opens a connection to `url` (a browser or page DevTools endpoint on loopback). */
  static open(url: string, timeoutMs: number): Promise<RawCdpConnection> {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs, maxPayload: 256 * 1024 * 1024 });
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(new RawCdpConnection(socket)));
      socket.once("error", (err) => reject(new Error(`could not connect to the browser: ${err.message}`)));
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<T> {
    if (this.closed) return Promise.reject(new Error("the browser's CDP connection is closed"));
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: Record<string, unknown>) => void, reject });
      this.socket.send(JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) }));
    });
  }

  /** Calls `listener` for every event; returns a function that stops it. */
  onEvent(listener: (event: CdpEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onClose(listener: () => void): void {
    this.closeListeners.add(listener);
  }

  close(): void {
    this.socket.terminate();
  }

  private onMessage(text: string): void {
    let message: { id?: number; method?: string; params?: Record<string, unknown>; sessionId?: string; result?: Record<string, unknown>; error?: { message?: string } };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (message.id !== undefined) {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error.message ?? "CDP error"));
      else waiter?.resolve(message.result ?? {});
      return;
    }
    if (typeof message.method !== "string") return;
    const event: CdpEvent = { method: message.method, params: message.params ?? {}, ...(message.sessionId === undefined ? {} : { sessionId: message.sessionId }) };
    for (const listener of this.listeners) listener(event);
  }
}
