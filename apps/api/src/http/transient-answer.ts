import type { Response } from "express";

const TRANSIENT = Symbol("transient answer");

/** Marks an answer that says nothing lasting about its request, so idempotency does not keep it. */
export function markTransientAnswer(res: Response): void {
  (res.locals as Record<symbol, unknown>)[TRANSIENT] = true;
}

export function isTransientAnswer(res: Response): boolean {
  return (res.locals as Record<symbol, unknown>)[TRANSIENT] === true;
}
