import type { NextFunction, Request, Response } from "express";

/**
 * While the process drains, every answer (a long-poll woken by the shutdown included) carries
 * `Connection: close`, so the client does not send its next request on a socket about to close.
 */
export function closeConnectionsWhenDraining(isDraining: () => boolean) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    // Decided when the headers go out, not when the request came in: a long-poll may outlast the start of the drain.
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
    res.writeHead = ((...args: unknown[]) => {
      if (isDraining() && !res.headersSent) res.setHeader("Connection", "close");
      return writeHead(...args);
    }) as Response["writeHead"];
    next();
  };
}
