import type { NextFunction, Request, Response } from "express";
import { ApiError } from "@browserfleet/core";

/** Refuses request URLs over the limit with the 400 envelope; Node's own header limit catches longer ones first. */
export function urlLengthLimit(maxBytes: number) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (Buffer.byteLength(req.originalUrl) <= maxBytes) {
      next();
      return;
    }
    const message = `request URL is longer than ${maxBytes} bytes`;
    next(new ApiError("BAD_REQUEST", message, { details: [{ path: "(url)", message }] }));
  };
}
