import type { Request } from "express";
import { isUuid } from "@browserfleet/core";
import type { Job } from "@browserfleet/db";

declare module "express-serve-static-core" {
  interface Request {
    /** The job a polled read names, read in the key lookup's statement (authenticate.ts): null when it is not the workspace's. */
    prefetchedJob?: { id: string; job: Job | null };
  }
}

/** GET /jobs/{id} and /jobs/{id}/status, the reads clients poll: their job is read with the API key, one round trip instead of two. */
const POLLED_JOB_READ = /^\/jobs\/([^/]+)(?:\/status)?$/;

/** The job id to read together with the key for this request, if it is a polled job read with a well-formed id. */
export function jobIdToPrefetch(req: Request): string | undefined {
  if (req.method !== "GET") return undefined;
  const id = POLLED_JOB_READ.exec(req.path)?.[1];
  return id !== undefined && isUuid(id) ? id.toLowerCase() : undefined;
}

/**
 * The prefetched read of this job id (Job, or null: not the workspace's), or undefined when it was
 * not prefetched. Taken once: a read after a wait (?wait=) goes to Postgres again.
 */
export function takePrefetchedJob(req: Request, id: string): Job | null | undefined {
  const prefetched = req.prefetchedJob;
  if (prefetched === undefined || prefetched.id !== id) return undefined;
  req.prefetchedJob = undefined;
  return prefetched.job;
}
