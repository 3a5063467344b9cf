import express, { type NextFunction, type Request, type Response } from "express";
import { ApiError } from "@browserfleet/core";

declare module "express-serve-static-core" {
  interface Request {
    /** The body's bytes as received: what an Idempotency-Key's request hash covers. */
    rawBody?: Buffer;
  }
}

function hasBody(req: Request): boolean {
  const length = req.get("content-length");
  return req.get("transfer-encoding") !== undefined || (length !== undefined && length !== "0");
}

/** POST bodies must be JSON (415 otherwise); an empty body reads as `{}`; size is capped (413). */
export function jsonBody(limitBytes: number) {
  const parse = express.json({
    limit: limitBytes,
    strict: true,
    type: () => true,
    verify: (req, _res, buf) => {
      (req as Request).rawBody = buf;
    },
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "DELETE" || !hasBody(req)) {
      req.body = {};
      next();
      return;
    }
    if (!req.is("application/json") && !req.is("application/*+json")) {
      next(new ApiError("UNSUPPORTED_MEDIA_TYPE", "request body must be JSON (Content-Type: application/json)"));
      return;
    }
    parse(req, res, next);
  };
}
