// Submit a batch, wait for it, print each page's outcome.
//   BROWSERFLEET_API_KEY=agt_live_… npx tsx examples/batch-and-poll.ts https://example.com https://example.org
import { Client } from "@browserfleet/sdk";

const urls = process.argv.slice(2);
if (urls.length === 0) throw new Error("give one or more URLs");
const client = new Client({ apiKey: process.env.BROWSERFLEET_API_KEY ?? "", baseUrl: process.env.BROWSERFLEET_API_URL ?? "http://127.0.0.1:3000" });

const job = await client.batch({ urls, formats: ["text"] });
console.log(`batch ${job.id}: ${urls.length} pages queued`);
const done = await client.waitForJob(job.id, { timeoutMs: 10 * 60_000 });
console.log(`batch ${done.id} ${done.status}: ${done.progress_done - done.progress_failed} succeeded, ${done.progress_failed} failed, ${done.credits_charged} credits`);
for await (const item of client.iterResults(job.id)) {
  console.log(`${item.status} ${item.http_status ?? "-"} ${item.url} ${item.title ?? item.error_code ?? ""}`);
}
