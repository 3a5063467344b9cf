import { describe, expect, it } from "vitest";
import { PrivilegedTargetGuard, isPrivilegedTarget } from "../src/agents/privileged-targets.ts";

const attached = (sessionId: string, targetInfo: Record<string, unknown>, parent?: string) =>
  Buffer.from(JSON.stringify({ method: "Target.attachedToTarget", params: { sessionId, targetInfo, waitingForDebugger: true }, ...(parent ? { sessionId: parent } : {}) }));

describe("privileged targets", () => {
  it("WebUI, DevTools and component-extension targets are privileged; web pages, workers and blank pages are not", () => {
    for (const info of [
      { type: "browser_ui", url: "chrome://omnibox-popup.top-chrome/" },
      { type: "page", url: "chrome://settings/" },
      { type: "page", url: " CHROME-UNTRUSTED://print/" },
      { type: "iframe", url: "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/index.html" },
      { type: "page", url: "devtools://devtools/bundled/inspector.html" },
    ]) expect({ info, privileged: isPrivilegedTarget(info) }).toEqual({ info, privileged: true });
    for (const info of [
      { type: "page", url: "https://example.test/" },
      { type: "page", url: "about:blank" },
      { type: "iframe", url: "data:application/pdf;base64,AAAA" },
      { type: "service_worker", url: "https://example.test/sw.js" },
      { type: "tab", url: "https://example.test/" },
      { type: "browser", url: "" },
    ]) expect({ info, privileged: isPrivilegedTarget(info) }).toEqual({ info, privileged: false });
  });

  it("a privileged attach is withheld and detached by the guard, its answer withheld, and the session refused; others pass", () => {
    const guard = new PrivilegedTargetGuard();
    expect(guard.inspectUpstream(attached("S-web", { type: "page", url: "https://example.test/" }))).toEqual({ drop: false });
    const verdict = guard.inspectUpstream(attached("S-ui", { type: "browser_ui", url: "chrome://omnibox-popup.top-chrome/" }, "S-parent"));
    expect(verdict.drop).toBe(true);
    const detach = JSON.parse(verdict.toUpstream!) as { id: number; method: string; params: { sessionId: string }; sessionId: string };
    expect(detach).toMatchObject({ method: "Target.detachFromTarget", params: { sessionId: "S-ui" }, sessionId: "S-parent" });
    // The detach's answer is the guard's own; a client's answer with another id passes.
    expect(guard.inspectUpstream(Buffer.from(JSON.stringify({ id: 7, result: {} })))).toEqual({ drop: false });
    expect(guard.inspectUpstream(Buffer.from(JSON.stringify({ id: detach.id, result: {}, sessionId: "S-parent" })))).toEqual({ drop: true });
    expect(guard.inspectUpstream(Buffer.from(JSON.stringify({ id: detach.id, result: {} })))).toEqual({ drop: false });

    expect(guard.refuses({ method: "Runtime.evaluate", sessionId: "S-ui" })).toBe(true);
    expect(guard.refuses({ method: "Target.sendMessageToTarget", params: { sessionId: "S-ui", message: "{}" } })).toBe(true);
    expect(guard.refuses({ method: "Runtime.evaluate", sessionId: "S-web" })).toBe(false);
    expect(guard.refuses({ method: "Target.getTargets" })).toBe(false);
  });

  it("frames that merely mention the event in a string are not taken for it", () => {
    const guard = new PrivilegedTargetGuard();
    const reply = Buffer.from(JSON.stringify({ id: 3, result: { result: { type: "string", value: '"Target.attachedToTarget" chrome://x' } } }));
    expect(guard.inspectUpstream(reply)).toEqual({ drop: false });
  });
});
