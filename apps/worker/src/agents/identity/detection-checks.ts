import type { DetectionSignal } from "@browserfleet/core";
import { CHECKS_ORIGIN, CHECKS_PAGE_HTML, CHECKS_PAGE_URL, CHECKS_REPORT_PATH, type CheckObservations } from "./detection-check-page.ts";
import { detectionVerdicts } from "./detection-verdicts.ts";
import type { IdentityEmulation } from "./identity-emulation.ts";
import { withWorkerPage } from "./worker-page.ts";

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/**
 * Runs the platform's detection checks in the agent's own browser: a page of the worker's own
 * (worker-page.ts) loads CHECKS_PAGE_URL, which the worker serves itself with Fetch.fulfillRequest
 * (every other request of that page is failed: no DNS, no network, no egress), and the page's
 * script reports what it saw with a request the worker captures. Nothing is evaluated over CDP
 * and the Runtime domain is never enabled on that page.
 */
export async function runDetectionChecks(emulation: IdentityEmulation, timeoutMs: number): Promise<DetectionSignal> {
  const { connection } = emulation;
  return withWorkerPage(emulation, timeoutMs, async (page) => {
    let stop = (): void => undefined;
    const observed = new Promise<CheckObservations>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the check page did not report within ${timeoutMs} ms`)), timeoutMs);
      const off = connection.onEvent((event) => {
        if (event.method !== "Fetch.requestPaused" || event.sessionId !== page.sessionId) return;
        const requestId = event.params.requestId as string;
        const url = new URL((event.params.request as { url: string }).url);
        const reply = (body: string, contentType: string) =>
          connection
            .send("Fetch.fulfillRequest", { requestId, responseCode: 200, responseHeaders: [{ name: "Content-Type", value: contentType }, { name: "Cache-Control", value: "no-store" }], body: b64(body) }, page.sessionId)
            .catch(() => undefined);
        if (url.origin === CHECKS_ORIGIN && url.pathname === "/") void reply(CHECKS_PAGE_HTML, "text/html; charset=utf-8");
        else if (url.origin === CHECKS_ORIGIN && url.pathname === CHECKS_REPORT_PATH) {
          void reply("", "text/plain");
          try {
            resolve(JSON.parse(url.searchParams.get("d") ?? "") as CheckObservations);
          } catch (err) {
            reject(new Error(`the check page's report is not JSON: ${String(err)}`));
          }
        } else void connection.send("Fetch.failRequest", { requestId, errorReason: "BlockedByClient" }, page.sessionId).catch(() => undefined);
      });
      stop = () => {
        clearTimeout(timer);
        off();
      };
    });
    // Settled below; until then a rejection must not count as unhandled.
    observed.catch(() => undefined);
    try {
      await connection.send("Fetch.enable", { patterns: [{ urlPattern: "*", requestStage: "Request" }] }, page.sessionId);
      await connection.send("Page.navigate", { url: CHECKS_PAGE_URL }, page.sessionId);
      const seen = await observed;
      const checks = detectionVerdicts(seen, emulation.identity);
      const allPassed = checks.every((c) => c.passed);
      return { sites_tested: 1, sites_passed: allPassed ? 1 : 0, checks, measured_at: new Date().toISOString() };
    } finally {
      stop();
    }
  });
}
