import { PRICES, type JobParams, type PageTask, type SinglePageKind } from "@browserfleet/core";
import type { Job } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { checkTargets } from "./check-targets.ts";
import { submitJob } from "./submit-job.ts";

export interface SubmitPageJobInput {
  workspaceId: string;
  maxConcurrency: number;
  kind: SinglePageKind;
  url: string;
  task: PageTask;
  sync: boolean;
  /** Request fields echoed back in the result (extract's schema or prompt). */
  echo?: Pick<JobParams, "schema" | "prompt">;
}

/** A single-page job: SSRF-check the target, then the job with its one item. */
export async function submitPageJob(deps: ApiDeps, input: SubmitPageJobInput): Promise<Job> {
  await checkTargets(deps, [input.url], "url", input.workspaceId);
  const price = input.kind === "scrape" ? PRICES.page : PRICES[input.kind];
  return submitJob(deps, {
    workspaceId: input.workspaceId,
    maxConcurrency: input.maxConcurrency,
    kind: input.kind,
    params: { url: input.url, task: input.task, price, ...input.echo },
    sync: input.sync,
    urls: [{ url: input.url }],
    reserve: price,
  });
}
