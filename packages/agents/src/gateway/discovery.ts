/** DevTools' /json/version and /json/list answers, rewritten so every URL in them points through the gateway. */
export type DevToolsVersion = Record<string, unknown> & { webSocketDebuggerUrl?: string };
export type DevToolsTarget = Record<string, unknown> & { id?: string; webSocketDebuggerUrl?: string; devtoolsFrontendUrl?: string };

export function rewriteVersion(version: DevToolsVersion, browserWsUrl: string): DevToolsVersion {
  return { ...version, webSocketDebuggerUrl: browserWsUrl };
}

/** Each target's socket goes through the gateway; the DevTools frontend link (Chromium's own port) is dropped. */
export function rewriteTargets(targets: DevToolsTarget[], pageWsUrl: (targetId: string) => string): DevToolsTarget[] {
  return targets.map(({ devtoolsFrontendUrl: _frontend, devtoolsFrontendUrlCompat: _compat, ...target }) => ({
    ...target,
    ...(typeof target.id === "string" && target.webSocketDebuggerUrl !== undefined ? { webSocketDebuggerUrl: pageWsUrl(target.id) } : {}),
  }));
}
