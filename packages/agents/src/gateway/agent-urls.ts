/** The public addresses of an agent, all under PUBLIC_API_URL (never the request's Host: a client may reach the API by another name). */
export interface AgentUrls {
  cdpUrl: string;
  cdpHttp: string;
  liveUrl: string;
}

function withPath(publicUrl: string, path: string, token: string, protocol?: "ws" | "http"): string {
  const url = new URL(publicUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${path}`;
  url.search = new URLSearchParams({ token }).toString();
  if (protocol === "ws") url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export function agentUrls(publicUrl: string, agentId: string, tokens: { cdp: string; view: string }): AgentUrls {
  return {
    cdpUrl: withPath(publicUrl, `/v1/cdp/${agentId}`, tokens.cdp, "ws"),
    cdpHttp: withPath(publicUrl, `/v1/cdp/${agentId}`, tokens.cdp, "http"),
    liveUrl: withPath(publicUrl, `/live/${agentId}`, tokens.view, "http"),
  };
}

/** A page target's websocket through the gateway (what /json/list answers in webSocketDebuggerUrl). */
export function agentPageWsUrl(publicUrl: string, agentId: string, targetId: string, token: string): string {
  return withPath(publicUrl, `/v1/cdp/${agentId}/devtools/page/${encodeURIComponent(targetId)}`, token, "ws");
}
