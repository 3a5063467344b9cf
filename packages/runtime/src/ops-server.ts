import express from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { opsRoutes, type OpsRoutesOptions } from "./ops-routes.ts";

export interface OpsServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** The health/metrics HTTP server of processes that serve no API (worker, dispatcher). */
export async function startOpsServer(options: OpsRoutesOptions & { host: string; port: number; routes?: express.Router[] }): Promise<OpsServer> {
  const app = express();
  app.disable("x-powered-by");
  app.use(opsRoutes(options));
  for (const router of options.routes ?? []) app.use(router);
  app.use((_req, res) => {
    res.status(404).json({ error: "not found", code: "NOT_FOUND" });
  });
  const server = await listen(app, options.host, options.port);
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => closeServer(server),
  };
}

export function listen(app: express.Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
  });
}

/**
 * Stops accepting connections and resolves once every open one has ended. A keep-alive
 * connection is closed as soon as its answer is out (Node would keep it until its idle timeout,
 * 65 s, and the close with it); after `forceAfterMs` whatever is still open is cut.
 */
export function closeServer(server: Server, options: { forceAfterMs?: number } = {}): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const force = options.forceAfterMs === undefined ? undefined : setTimeout(() => server.closeAllConnections(), options.forceAfterMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
