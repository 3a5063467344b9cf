import autocannon from "autocannon";

export interface LoadOptions {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  connections: number;
  durationSeconds: number;
  /** Answers with another status are counted as `unexpected`. */
  expectStatus: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers with another status than expected, plus connection errors and timeouts. */
  unexpected: number;
}

/** One closed-loop autocannon run over keep-alive connections; a status other than expected is counted, not hidden. */
export async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  let unexpected = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method,
        headers: options.headers,
        body: options.body,
        connections: options.connections,
        duration: options.durationSeconds,
      },
      (err, res) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(res)),
    );
    instance.on("response", (_client, statusCode) => {
      if (statusCode !== options.expectStatus) unexpected++;
    });
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    unexpected: unexpected + result.errors + result.timeouts,
  };
}
