/**
 * What a remote CDP client may not ask an agent's Chromium for. A client has the whole browser in
 * hand, and some CDP commands reach past the page: into the worker's filesystem, around the egress
 * proxy, or to Chromium's own privileged pages. The relay runs every client→Chromium frame through
 * `checkCdpCommand` (after one JSON.parse: escapes such as "\u0050age.navigate" are decoded before
 * anything is compared, and Chromium itself refuses a frame with a duplicate top-level key, while
 * inside `params` both it and JSON.parse keep the last one). A refused command is answered with a
 * CDP error and never reaches Chromium.
 *
 * Refused, and why:
 * - Page.navigate, Target.createTarget, Fetch.continueRequest, Network.continueInterceptedRequest,
 *   Network.loadNetworkResource with a URL that is not http:, https:, about:blank or data: (a missing
 *   or empty createTarget URL is about:blank). file: reads the worker's disk; chrome:, devtools:,
 *   chrome-extension:, view-source:, javascript:, blob:, filesystem: … open privileged pages or
 *   another origin's content. http(s) goes through the egress proxy, which refuses private,
 *   loopback and metadata addresses (so redirects and page fetch() are stopped there, not here).
 * - Target.createBrowserContext with proxyServer or proxyBypassList (a context of its own that
 *   skips the egress proxy, "direct://" included) or originsWithUniversalNetworkAccess (turns off
 *   the origin checks that keep pages from reading what they should not).
 * - DOM.setFileInputFiles, Page.handleFileChooser, and Input.dispatchDragEvent with data.files:
 *   each hands a page File objects read from paths on the worker. (Page.setInterceptFileChooserDialog
 *   stays allowed: it only reports the chooser; nothing can fill it from disk without the above.
 *   Playwright against a remote browser sends file contents through the page, not paths.)
 * - Browser.setDownloadBehavior and Page.setDownloadBehavior, whatever the behavior: "allow" /
 *   "allowAndName" write into the worker's filesystem, "default" does too (headless Chromium then
 *   saves to $HOME/Downloads), and even "deny" is unsafe because Chromium resets the behavior to
 *   "default" when the session that set it detaches. The worker's own lockdown connection
 *   (cdp-policy-lockdown.ts) holds "deny" for the browser's whole life. Page.setDownloadBehavior is
 *   answered with an error; Browser.setDownloadBehavior is answered with an empty success and not
 *   forwarded, because Playwright's connectOverCDP (and each newContext) sends "allowAndName" and
 *   fails to connect on an error: downloads are then simply cancelled by Chromium.
 * - Target.exposeDevToolsProtocol: gives a page's own JavaScript a CDP binding that never passes
 *   through this relay. Target.setRemoteLocations: makes Chromium connect out to host:port pairs for
 *   target discovery. Target.openDevTools: opens a devtools:// frontend.
 * - Target.sendMessageToTarget: the legacy (non-flat) session channel carries a command as a JSON
 *   string; the inner command is checked by the same rules (and refused when it cannot be parsed).
 * - Tethering.* (binds listening ports on the worker and relays connections to the client),
 *   Cast.* (discovers and talks to devices on the worker's LAN, outside the proxy), Extensions.*
 *   (loadUnpacked loads an extension from a worker path), PWA.* (installs apps, bundles from paths,
 *   OS integration).
 * - Page.addCompilationCache: V8 deserialises code cache it is handed without treating it as
 *   hostile input; a crafted one is a renderer exploit.
 * - Tracing.start with tracingBackend "system": the system Perfetto service, outside the browser.
 * - Browser.crash, Browser.crashGpuProcess: crash dumps of the browser process on the worker's disk
 *   (Page.crash, a renderer crash, stays allowed).
 * - Browser.executeBrowserCommand: drives Chromium's own UI (tab search, …), a chrome:// surface.
 *
 * Allowed on purpose: Tracing otherwise (the client's own browser; a stream is a temp file of the
 * browser, as printToPDF's), SystemInfo (GPU, process list, the command line: no secret of the
 * worker, whose environment Chromium never gets), Storage/IndexedDB/CacheStorage/FileSystem (the
 * origin's own storage in the profile), IO.read (only handles Chromium created), Security.*,
 * Runtime/Debugger (inside the sandboxed renderer), Fetch.fulfillRequest (the client supplies the
 * body), Page.navigateToHistoryEntry (only entries that were allowed navigations).
 */

export interface CdpCommand {
  id?: unknown;
  method: string;
  params?: unknown;
  sessionId?: unknown;
}

export type CdpVerdict = { kind: "forward" } | { kind: "refuse"; reason: string } | { kind: "pretend"; reason: string };

const FORWARD: CdpVerdict = { kind: "forward" };

const REFUSED_DOMAINS = new Set(["Tethering", "Cast", "Extensions", "PWA"]);

const REFUSED_METHODS: Record<string, string> = {
  "DOM.setFileInputFiles": "setting file inputs from the worker's files is",
  "Page.handleFileChooser": "filling a file chooser from the worker's files is",
  "Page.setDownloadBehavior": "changing the download behaviour is",
  "Target.exposeDevToolsProtocol": "exposing the protocol to a page is",
  "Target.setRemoteLocations": "remote target discovery is",
  "Target.openDevTools": "opening DevTools is",
  "Page.addCompilationCache": "seeding V8's compilation cache is",
  "Browser.crash": "crashing the browser process is",
  "Browser.crashGpuProcess": "crashing the GPU process is",
  "Browser.executeBrowserCommand": "driving the browser's own UI is",
};

/** How deep Target.sendMessageToTarget may nest (a client has no reason to nest at all). */
const MAX_NESTING = 2;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The scheme of `raw` if it is a URL a client may point a page at: http:, https:, about:blank (with
 * a query or fragment at most) or data:; null otherwise. Read both ways it could be read: by the
 * WHATWG parser and on the text itself (tabs and newlines dropped, surrounding spaces and controls
 * trimmed, as both parsers do), so a URL the two would read differently is refused.
 */
export function allowedPageUrlScheme(raw: string): "http:" | "https:" | "data:" | "about:" | null {
  const text = trimControls(raw.replace(/[\t\n\r]/g, "")).toLowerCase();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  switch (url.protocol) {
    case "http:":
    case "https:":
      return text.startsWith(url.protocol) && url.hostname !== "" ? url.protocol : null;
    case "data:":
      return text.startsWith("data:") ? "data:" : null;
    case "about:":
      return url.pathname === "blank" && /^about:blank(?:[?#]|$)/.test(text) ? "about:" : null;
    default:
      return null;
  }
}

/** Drops leading and trailing C0 controls and spaces (code points up to U+0020), as URL parsers do. */
function trimControls(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start += 1;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end -= 1;
  return text.slice(start, end);
}

const isPageUrl = (raw: string): boolean => allowedPageUrlScheme(raw) !== null;
const isHttpUrl = (raw: string): boolean => {
  const scheme = allowedPageUrlScheme(raw);
  return scheme === "http:" || scheme === "https:";
};

/** A command's `params.<key>` URL: absent is fine when `optional`, anything but a string is refused. */
function checkUrlParam(params: Record<string, unknown>, key: string, method: string, allowed: (url: string) => boolean, optional: boolean): CdpVerdict {
  const value = params[key];
  if (value === undefined && optional) return FORWARD;
  if (typeof value !== "string" || !allowed(value)) return { kind: "refuse", reason: `${method} to this URL is not allowed` };
  return FORWARD;
}

/** The policy's decision on one parsed client command. */
export function checkCdpCommand(command: CdpCommand, depth = 0): CdpVerdict {
  const { method } = command;
  const params = isRecord(command.params) ? command.params : {};
  const domain = method.slice(0, method.indexOf("."));
  if (REFUSED_DOMAINS.has(domain)) return { kind: "refuse", reason: `the ${domain} domain is not allowed` };
  const refused = REFUSED_METHODS[method];
  if (refused !== undefined) return { kind: "refuse", reason: `${refused} not allowed` };
  switch (method) {
    case "Page.navigate":
      return checkUrlParam(params, "url", method, isPageUrl, false);
    case "Target.createTarget":
      // Chromium opens about:blank for a missing or empty URL.
      if (params.url === undefined || params.url === "") return FORWARD;
      return checkUrlParam(params, "url", method, isPageUrl, false);
    case "Fetch.continueRequest":
    case "Network.continueInterceptedRequest":
      return checkUrlParam(params, "url", method, isHttpUrl, true);
    case "Network.loadNetworkResource":
      return checkUrlParam(params, "url", method, isHttpUrl, false);
    case "Target.createBrowserContext":
      for (const key of ["proxyServer", "proxyBypassList", "originsWithUniversalNetworkAccess"]) {
        if (params[key] !== undefined) return { kind: "refuse", reason: `a browser context with its own ${key} is not allowed` };
      }
      return FORWARD;
    case "Browser.setDownloadBehavior":
      return { kind: "pretend", reason: "downloads stay denied" };
    case "Input.dispatchDragEvent": {
      const files = isRecord(params.data) ? params.data.files : undefined;
      if (files !== undefined && !(Array.isArray(files) && files.length === 0)) return { kind: "refuse", reason: "dragging the worker's files into a page is not allowed" };
      return FORWARD;
    }
    case "Tracing.start":
      if (params.tracingBackend === "system") return { kind: "refuse", reason: "system tracing is not allowed" };
      return FORWARD;
    case "Target.sendMessageToTarget":
      return checkNested(params.message, depth);
    default:
      return FORWARD;
  }
}

function checkNested(message: unknown, depth: number): CdpVerdict {
  if (typeof message !== "string") return FORWARD;
  if (depth >= MAX_NESTING) return { kind: "refuse", reason: "nested Target.sendMessageToTarget is not allowed" };
  let inner: unknown;
  try {
    inner = JSON.parse(message);
  } catch {
    return { kind: "refuse", reason: "Target.sendMessageToTarget with a message that is not JSON is not allowed" };
  }
  if (!isRecord(inner) || typeof inner.method !== "string") return { kind: "refuse", reason: "Target.sendMessageToTarget with a message that is not a command is not allowed" };
  const verdict = checkCdpCommand(inner as unknown as CdpCommand, depth + 1);
  // A pretended success cannot be given on the inner channel: refuse the carrier instead.
  return verdict.kind === "pretend" ? { kind: "refuse", reason: `${inner.method} is not allowed through Target.sendMessageToTarget` } : verdict;
}
