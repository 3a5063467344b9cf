import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { requestIdFrom } from "@browserfleet/core";

declare module "express-serve-static-core" {
  interface Request {
    id: string;
    log: Logger;
    auth?: { workspaceId: string; keyId: string; maxConcurrency: number };
  }
}

/** Echoes or mints X-Request-Id, and gives the request a logger that carries it; logs one line per request. */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    req.id = requestIdFrom(req.get("x-request-id"));
    req.log = logger.child({ request_id: req.id });
    res.setHeader("X-Request-Id", req.id);
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      req.log.info(
        { method: req.method, path: req.path, status: res.statusCode, duration_ms: Math.round(ms), workspace_id: req.auth?.workspaceId },
        "request",
      );
    });
    next();
  };
}
