import type { BrowserContext, CDPSession, Page, Request, Route, WebSocketRoute } from "playwright-core";
import type { TargetGuard } from "./render-types.ts";
import { isBlockedResource } from "./resource-blocking.ts";
import { cacheVerdicts, isLocalScheme, type CachedGuard } from "./verdict-cache.ts";

/** A request the guard stopped before Chromium connected. */
export interface Refusal {
  url: string;
  reason: string;
  /** The page's own document (or a redirect hop of it), as opposed to a subresource or iframe. */
  mainDocument: boolean;
  viaRedirect: boolean;
}

/** The guard of one page: its verdicts and what it refused so far. */
export interface PageGuard {
  readonly refusals: readonly Refusal[];
  /** Forgets the refusals of earlier renders (a reused page starts its next render clean). */
  reset(): void;
  /** Stops tracking the page (call once it is closed). */
  release(): void;
}

export interface ContextGuard {
  check: CachedGuard;
  /** Puts a page under guard before it navigates anywhere. */
  guardPage(page: Page): Promise<PageGuard>;
}

interface PageEntry {
  check: CachedGuard;
  refusals: Refusal[];
}

interface ContextState {
  context: BrowserContext;
  pages: Map<Page, PageEntry>;
  caches: WeakMap<TargetGuard, CachedGuard>;
}

/** Fields of CDP's Fetch.requestPaused the guard reads. */
interface PausedRequest {
  requestId: string;
  request: { url: string };
  frameId: string;
  resourceType: string;
  redirectedRequestId?: string;
}

const states = new WeakMap<BrowserContext, Promise<ContextState>>();

/**
 * Guards every request of a context. Playwright's route sees the first hop of every request in
 * every page, frame and worker, but it never sees redirect hops (by design: Chromium follows
 * redirects inside its network stack), so each guarded page also gets a CDP Fetch interceptor
 * that pauses every hop, redirects included, before Chromium connects.
 * Not covered here (browser-process or non-HTTP traffic): speculation-rules prefetch/prerender, WebRTC
 * STUN/TURN, and DNS rebinding between the guard's lookup and Chromium's; the egress proxy
 * (BrowserPoolOptions.egress) closes those. This layer stays for its precise refusal messages.
 * Safe to call for every page of a shared context: routes go in once per context, and pages
 * passing the same guard function share its verdict cache (a refused host stays refused).
 */
export async function guardContext(context: BrowserContext, guard: TargetGuard): Promise<ContextGuard> {
  let statePromise = states.get(context);
  if (statePromise === undefined) {
    const installing = installRoutes(context);
    statePromise = installing;
    states.set(context, installing);
    // A failed install (context closing) must not be remembered as the context's guard.
    installing.catch(() => {
      if (states.get(context) === installing) states.delete(context);
    });
  }
  const state = await statePromise;
  let check = state.caches.get(guard);
  if (check === undefined) {
    check = cacheVerdicts(guard);
    state.caches.set(guard, check);
  }
  const pageCheck = check;
  return {
    check: pageCheck,
    guardPage: async (page) => {
      const entry: PageEntry = { check: pageCheck, refusals: [] };
      state.pages.set(page, entry);
      // Every request of a popup is refused anyway; in a shared context it would otherwise outlive its page.
      page.on("popup", (popup) => void popup.close({ runBeforeUnload: false }).catch(ignore));
      await interceptWithCdp(context, page, entry);
      return { refusals: entry.refusals, reset: () => void entry.refusals.splice(0), release: () => state.pages.delete(page) };
    },
  };
}

async function installRoutes(context: BrowserContext): Promise<ContextState> {
  const state: ContextState = { context, pages: new Map(), caches: new WeakMap() };
  await context.route("**/*", (route, request) => onRoute(state, route, request));
  await context.routeWebSocket(() => true, (ws) => onWebSocket(state, ws));
  return state;
}

async function onRoute(state: ContextState, route: Route, request: Request): Promise<void> {
  const page = pageOf(request);
  const entry = page === undefined ? undefined : state.pages.get(page);
  // Popups and pages opened outside renderPage have no CDP interceptor, so their redirects would go unchecked.
  if (page === undefined || entry === undefined) {
    await route.abort("blockedbyclient").catch(ignore);
    return;
  }
  const url = request.url();
  const verdict = isLocalScheme(url) ? ({ allowed: true } as const) : await entry.check(url);
  if (verdict.allowed) {
    // Checked after the verdict, so blocking only ever adds refusals and a refused host is still recorded.
    const blocked = isBlockedResource(state.context, request.resourceType());
    await (blocked ? route.abort("blockedbyclient") : route.continue()).catch(ignore);
    return;
  }
  entry.refusals.push({
    url,
    reason: verdict.reason,
    mainDocument: request.isNavigationRequest() && request.frame() === page.mainFrame(),
    viaRedirect: request.redirectedFrom() !== null,
  });
  await route.abort("blockedbyclient").catch(ignore);
}

/** WebSockets bypass both route and CDP Fetch; routeWebSocket is the only place to stop them. */
async function onWebSocket(state: ContextState, ws: WebSocketRoute): Promise<void> {
  const url = ws.url().replace(/^ws(s?):/i, "http$1:");
  const checks = [...new Set([...state.pages.values()].map((entry) => entry.check))];
  const verdicts = await Promise.all(checks.map((check) => check(url)));
  const refused = verdicts.find((verdict) => !verdict.allowed);
  if (checks.length > 0 && refused === undefined) {
    ws.connectToServer();
    return;
  }
  // Not connecting to the server leaves the socket mocked: nothing leaves the machine.
  await ws.close({ code: 1008, reason: "URL not allowed" }).catch(ignore);
}

async function interceptWithCdp(context: BrowserContext, page: Page, entry: PageEntry): Promise<void> {
  const session = await context.newCDPSession(page);
  const { frameTree } = await session.send("Page.getFrameTree");
  const mainFrameId = frameTree.frame.id;
  session.on("Fetch.requestPaused", (event) => {
    void onPaused(session, event, entry, mainFrameId);
  });
  await session.send("Fetch.enable", { patterns: [{ urlPattern: "*", requestStage: "Request" }] });
}

async function onPaused(session: CDPSession, event: PausedRequest, entry: PageEntry, mainFrameId: string): Promise<void> {
  const url = event.request.url;
  const verdict = isLocalScheme(url) ? ({ allowed: true } as const) : await entry.check(url);
  if (verdict.allowed) {
    await session.send("Fetch.continueRequest", { requestId: event.requestId }).catch(ignore);
    return;
  }
  entry.refusals.push({
    url,
    reason: verdict.reason,
    mainDocument: event.resourceType === "Document" && event.frameId === mainFrameId,
    viaRedirect: event.redirectedRequestId !== undefined,
  });
  await session.send("Fetch.failRequest", { requestId: event.requestId, errorReason: "BlockedByClient" }).catch(ignore);
}

/** Service-worker requests have no frame; they are blocked anyway. */
function pageOf(request: Request): Page | undefined {
  try {
    return request.frame().page();
  } catch {
    return undefined;
  }
}

function ignore(): void {}
