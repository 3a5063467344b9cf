import type { ScrapeFormat, WaitUntil } from "./quick.ts";

/** What a worker renders for one job item; stored in the job's params, never in the queue. */
export interface PageTask {
  formats: ScrapeFormat[];
  max_chars: number;
  timeout_ms: number;
  wait_until: WaitUntil;
  full_page: boolean;
}
