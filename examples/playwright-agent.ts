// Start a browser agent, drive it with Playwright over CDP, end it.
//   BROWSERFLEET_API_KEY=agt_live_… npx tsx examples/playwright-agent.ts https://example.com
import { chromium } from "playwright-core";
import { Client } from "@browserfleet/sdk";

const client = new Client({ apiKey: process.env.BROWSERFLEET_API_KEY ?? "", baseUrl: process.env.BROWSERFLEET_API_URL ?? "http://127.0.0.1:3000" });
const agent = await client.createAgent({ ttl_seconds: 300, initial_url: process.argv[2] ?? "about:blank", os_type: "OS_TYPE_WINDOWS", country: "de" });
console.log(`agent ${agent.id} running; watch it at ${agent.live_url}`);
try {
  const browser = await chromium.connectOverCDP(agent.cdp_url!);
  const page = browser.contexts()[0]!.pages()[0]!;
  console.log(`title: ${await page.title()}`);
  console.log(`navigator.platform: ${await page.evaluate(() => navigator.platform)}`);
  await browser.close(); // disconnects; the agent would live on until its TTL or idle timeout
} finally {
  await client.deleteAgent(agent.id);
  console.log(`agent ${agent.id} deleted`);
}
