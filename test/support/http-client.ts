/** A tiny fetch wrapper for tests: JSON in, status + headers + parsed body out. */
export interface TestResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export function apiClient(baseUrl: string, apiKey?: string) {
  const call = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { json?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
  ): Promise<TestResponse<T>> => {
    const headers: Record<string, string> = { ...(apiKey ? { "x-api-key": apiKey } : {}), ...options.headers };
    let body: string | undefined = options.rawBody;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // non-JSON body (metrics)
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  };
  return {
    get: <T = Record<string, unknown>>(path: string, headers?: Record<string, string>) => call<T>("GET", path, { headers }),
    post: <T = Record<string, unknown>>(path: string, json?: unknown, headers?: Record<string, string>) => call<T>("POST", path, { json, headers }),
    call,
  };
}
