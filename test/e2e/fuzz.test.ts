import { maxHeaderSize } from "node:http";
import { connect } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_ROUTE_DOCS, ERROR_STATUS } from "@browserfleet/core";
import { fuzzRequests, malformedRawRequests, type FuzzRequest } from "../support/fuzz-requests.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

// A small body limit keeps the oversized cases cheap, yet leaves room for bodies nested thousands deep.
const BODY_LIMIT_BYTES = 65_536;
const MAX_URL_BYTES = 8192;
const BATCH = 25;
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// Replays a reported failure without shrinking: FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run test/e2e/fuzz.test.ts
const replay = process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED), path: process.env.FUZZ_PATH, endOnFailure: true } : {};

let stack: TestStack<ApiHandle>;
let workspaceId: string;
let apiKey: string;
let before: Record<string, unknown>;
let sent = 0;

/** What must not move, whatever arrives: no job, no item, no charge, no key, no webhook, no event, same secret. */
async function snapshot(): Promise<Record<string, unknown>> {
  const p = stack.prisma;
  const workspace = await p.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
  return {
    jobs: await p.job.count(),
    items: await p.jobItem.count(),
    ledger: await p.creditLedgerEntry.count(),
    balance: workspace.creditBalance,
    keys: await p.apiKey.count(),
    webhooks: await p.webhookEndpoint.count(),
    outbox: await p.outboxEvent.count(),
    secret: workspace.signingSecret,
  };
}

beforeAll(async () => {
  stack = await startTestStack({ api: "in-process", workers: 0, env: { BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES), MAX_URL_BYTES: String(MAX_URL_BYTES) } });
  ({ workspaceId, apiKey } = await stack.newWorkspace("fuzz"));
  // Thousands of requests in seconds: the rate limits would answer 429 before validation is reached.
  await stack.prisma.workspace.update({ where: { id: workspaceId }, data: { requestsPerMinute: 1_000_000, submissionsPerSecond: 100_000 } });
  before = await snapshot();
});

afterAll(async () => {
  await stack?.stop();
});

interface Answer {
  status: number;
  requestIdHeader: string | null;
  text: string;
}

async function send(req: FuzzRequest): Promise<Answer> {
  const res = await fetch(`${stack.apiUrl}${req.path}`, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(30_000) });
  return { status: res.status, requestIdHeader: res.headers.get("x-request-id"), text: await res.text() };
}

/** Why an answer breaks the contract for a malformed request, or null when it is a proper 4xx envelope. */
function problemWith(answer: Answer, sentRequestId?: string): string | null {
  if (answer.status < 400 || answer.status > 499) return `status ${answer.status}: ${answer.text.slice(0, 300)}`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    return `body is not JSON: ${answer.text.slice(0, 200)}`;
  }
  if (typeof body.error !== "string" || body.error === "") return "no error message";
  if (typeof body.code !== "string" || !(body.code in ERROR_STATUS)) return `unknown code ${String(body.code)}`;
  if (ERROR_STATUS[body.code as keyof typeof ERROR_STATUS] !== answer.status) return `code ${body.code} with status ${answer.status}`;
  if (typeof body.request_id !== "string" || body.request_id === "") return "no request_id";
  if (answer.requestIdHeader !== null && answer.requestIdHeader !== body.request_id) return "X-Request-Id differs from request_id";
  // HTTP trims only spaces and tabs around a value (String.trim would also eat the NBSP a client may send).
  const echoed = sentRequestId?.replace(/^[ \t]+|[ \t]+$/g, "");
  if (echoed !== undefined && SAFE_REQUEST_ID.test(echoed) && body.request_id !== echoed) {
    return `X-Request-Id ${JSON.stringify(sentRequestId)} came back as ${JSON.stringify(body.request_id)} (status ${answer.status}, ${body.code}: ${String(body.error)})`;
  }
  return null;
}

/** One spelling per route: another letter case or a trailing slash is no route, whatever the key and body (so no job, no rate-limit or idempotency rule). */
function notARoute(req: FuzzRequest, answer: Answer): string | null {
  if (!req.label.startsWith("path variant")) return null;
  return answer.status === 404 && answer.text.includes('"code":"NOT_FOUND"') ? null : `another spelling of a route answered ${answer.status}: ${answer.text.slice(0, 200)}`;
}

/** The request id a valid X-Request-Id must come back as; Node refuses oversized headers before anyone can read it. */
const echoable = (req: FuzzRequest): string | undefined => (req.label.startsWith("headers of") ? undefined : req.headers["x-request-id"]);

function sendRaw(bytes: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(stack.api.port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.setTimeout(15_000, () => {
      socket.destroy();
      reject(new Error("no answer within 15 s"));
    });
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", () => undefined); // a reset after the answer is fine; no answer is caught below
    socket.on("close", () => {
      const raw = Buffer.concat(chunks).toString("latin1");
      const status = /^HTTP\/1\.1 (\d{3})/.exec(raw);
      const [head = "", text = ""] = raw.split("\r\n\r\n", 2);
      const requestId = /^x-request-id: (.*)$/im.exec(head);
      resolve({ status: status ? Number(status[1]) : 0, requestIdHeader: requestId?.[1]?.trim() ?? null, text });
    });
    socket.write(bytes, "latin1");
  });
}

describe("hostile input", () => {
  it(`answers ≥ 2,000 malformed requests across every documented route with 4xx envelopes (batches of ${BATCH} at once)`, async () => {
    const requests = fuzzRequests(API_ROUTE_DOCS, { apiKey, bodyLimitBytes: BODY_LIMIT_BYTES, maxUrlBytes: MAX_URL_BYTES, headerLimitBytes: maxHeaderSize });
    await fc.assert(
      fc.asyncProperty(fc.array(requests, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const answers = await Promise.all(batch.map((r) => send(r).catch((err: unknown) => err as Error)));
        sent += batch.length;
        batch.forEach((req, i) => {
          const answer = answers[i]!;
          const problem = answer instanceof Error ? `no answer: ${answer.message} ${String((answer as { cause?: unknown }).cause ?? "")}` : (problemWith(answer, echoable(req)) ?? notARoute(req, answer));
          if (problem) throw new Error(`${req.label.slice(0, 300)} — ${req.method} ${req.path.slice(0, 200)}: ${problem}`);
        });
      }),
      { numRuns: 84, ...replay },
    );
    expect(sent).toBeGreaterThanOrEqual(2_000);
  });

  it("answers requests Node's parser refuses with the envelope too", async () => {
    let raw = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(malformedRawRequests(), { minLength: 10, maxLength: 10 }), async (batch) => {
        const answers = await Promise.all(batch.map((r) => sendRaw(r.bytes)));
        raw += batch.length;
        batch.forEach((req, i) => {
          const problem = problemWith(answers[i]!);
          if (problem) throw new Error(`${req.label}: ${JSON.stringify(req.bytes.slice(0, 200))}: ${problem}`);
        });
      }),
      { numRuns: 10 },
    );
    sent += raw;
    expect(raw).toBeGreaterThanOrEqual(100);
  });

  it("refuses free-form JSON nested thousands deep (it used to reach jsonb and answer 500)", async () => {
    const schema = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
    const answer = await send({
      label: "deep schema",
      method: "POST",
      path: "/v1/quick/extract",
      headers: { "x-api-key": apiKey, "content-type": "application/json" },
      body: `{"url":"http://127.0.0.1:9/deep","async":true,"schema":${schema}}`,
    });
    expect(problemWith(answer)).toBeNull();
    expect(answer.status).toBe(400);
  });

  it("created nothing, charged nothing and never answered 5xx", async () => {
    expect(await snapshot()).toEqual(before);
    const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    const fiveHundreds = metrics.split("\n").filter((l) => l.startsWith("browserfleet_http_requests_total") && /status="5\d\d"/.test(l));
    expect(fiveHundreds).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(2_100);
  });
});
