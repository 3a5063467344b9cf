import type { PageTask } from "@browserfleet/core";

/** The one place a quick body becomes the page task stored in its job's params (extra body fields are left out). */
export function pageTaskFrom(body: PageTask): PageTask {
  return { formats: body.formats, max_chars: body.max_chars, timeout_ms: body.timeout_ms, wait_until: body.wait_until, full_page: body.full_page };
}
