import type { Page } from "./api-types.ts";

/**
 * Every item of a list endpoint, page after page (following `next_cursor`), fetched as the loop
 * asks for them: `for await (const job of client.iterJobs()) …`. Stopping the loop stops the paging.
 */
export async function* paginate<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.items;
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
}
