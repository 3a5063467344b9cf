import type { CrawlRules, PageTask } from "@browserfleet/core";

/** A job's params as the API stored them: what every item of the job renders, and how a crawl spreads. */
export interface PageJobParams {
  url?: string;
  task: PageTask;
  price: number;
  crawl?: CrawlRules;
}
