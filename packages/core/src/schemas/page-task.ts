import { z } from "zod";
import { SCRAPE_FORMATS, WAIT_UNTIL } from "./quick.ts";

/** What a worker renders for one job item; stored in the job's params, never in the queue. */
export const pageTask = z.object({
  formats: z.array(z.enum(SCRAPE_FORMATS)),
  max_chars: z.number().int().min(0),
  timeout_ms: z.number().int().positive(),
  wait_until: z.enum(WAIT_UNTIL),
  full_page: z.boolean(),
  /** Markdown of the main content only; absent (false) on tasks written before it existed and whenever it is off. */
  only_main_content: z.boolean().optional(),
});
export type PageTask = z.infer<typeof pageTask>;
