import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An HTTP proxy to `target` that lets the first request matching `drops` reach the server and
 * then closes the client's connection without its answer (a response lost on the way back): the
 * case an idempotency key exists for. Everything else is forwarded as is.
 */
export interface DropFirstAnswerProxy {
  url: string;
  /** Requests that reached the server through this proxy, in order ("POST /v1/quick/batch"). */
  forwarded: string[];
  dropped: number;
  close(): Promise<void>;
}

export async function startDropFirstAnswerProxy(target: string, drops: (req: IncomingMessage) => boolean): Promise<DropFirstAnswerProxy> {
  const upstream = new URL(target);
  const forwarded: string[] = [];
  let dropped = 0;
  const server: Server = createServer((req, res) => {
    forwarded.push(`${req.method} ${req.url}`);
    const drop = dropped === 0 && drops(req);
    const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      if (drop) {
        dropped += 1;
        // The server has acted and answered; the client never hears it.
        answer.resume();
        answer.once("end", () => req.socket.destroy());
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on("error", () => req.socket.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded,
    get dropped() {
      return dropped;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
