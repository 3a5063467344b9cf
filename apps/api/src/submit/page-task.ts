import type { PageTask } from "@browserfleet/core";

/**
 * The one place a quick body becomes the page task stored in its job's params (extra body fields are left out).
 * `only_main_content` is stored only when on, so a task without it reads the same as one written before it existed.
 */
export function pageTaskFrom(body: PageTask): PageTask {
  const task: PageTask = { formats: body.formats, max_chars: body.max_chars, timeout_ms: body.timeout_ms, wait_until: body.wait_until, full_page: body.full_page };
  if (body.only_main_content === true) task.only_main_content = true;
  return task;
}
