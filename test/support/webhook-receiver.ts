import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  body: { id: string; type: string; created_at: string; workspace_id: string; data: Record<string, unknown> };
  receivedAt: number;
  status: number;
}

export interface ReceiverAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Answer after this long (a slow receiver). */
  delayMs?: number;
}

/** Decides each answer; `n` counts this path's requests from 1. */
export type Responder = (request: { path: string; n: number; eventId: string }) => ReceiverAnswer;

export interface WebhookReceiver {
  url(path: string): string;
  port: number;
  received: ReceivedWebhook[];
  on(path: string, responder: Responder): void;
  /** Most requests for one event id that were open at the same moment. */
  maxConcurrentPerEvent(): number;
  /** Most requests for one path that were open at the same moment. */
  maxConcurrentPerPath(path: string): number;
  inFlight(): number;
  waitFor(predicate: (all: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that records every request, raw bytes included, and answers as each path is told to. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const responders = new Map<string, Responder>();
  const counts = new Map<string, number>();
  const openPerEvent = new Map<string, number>();
  const openPerPath = new Map<string, number>();
  const maxPerPath = new Map<string, number>();
  let maxPerEvent = 0;
  let open = 0;
  const bump = (map: Map<string, number>, key: string, by: number): number => {
    const n = (map.get(key) ?? 0) + by;
    map.set(key, n);
    return n;
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0]!;
      const eventId = String(req.headers["webhook-id"] ?? "");
      const n = bump(counts, path, 1);
      open += 1;
      maxPerEvent = Math.max(maxPerEvent, bump(openPerEvent, eventId, 1));
      maxPerPath.set(path, Math.max(maxPerPath.get(path) ?? 0, bump(openPerPath, path, 1)));
      const answer = responders.get(path)?.({ path, n, eventId }) ?? { status: 200 };
      const rawBody = Buffer.concat(chunks);
      let body: ReceivedWebhook["body"];
      try {
        body = JSON.parse(rawBody.toString("utf8")) as ReceivedWebhook["body"];
      } catch {
        body = { id: "", type: "(not JSON)", created_at: "", workspace_id: "", data: {} };
      }
      // A request is open until it is answered or its sender gives up (a timed-out attempt has ended).
      let closed = false;
      const close = (): void => {
        if (closed) return;
        closed = true;
        open -= 1;
        bump(openPerEvent, eventId, -1);
        bump(openPerPath, path, -1);
      };
      res.on("close", close);
      const reply = (): void => {
        close();
        received.push({ path, headers: req.headers, rawBody, body, receivedAt: Date.now(), status: answer.status });
        res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
        res.end("ok");
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    received,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    on: (path, responder) => void responders.set(path, responder),
    maxConcurrentPerEvent: () => maxPerEvent,
    maxConcurrentPerPath: (path) => maxPerPath.get(path) ?? 0,
    inFlight: () => open,
    waitFor: async (predicate, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`webhook receiver: condition not met in ${timeoutMs} ms (${received.length} received)`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
