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
export async function startOpsServer(options: OpsRoutesOptions & { host: string; port: number }): Promise<OpsServer> {
  const app = express();
  app.disable("x-powered-by");
  app.use(opsRoutes(options));
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

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
