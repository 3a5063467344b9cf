import { createHash } from "node:crypto";

/**
 * The live view page: self-contained (inline script and style, no framework), view-only. It opens
 * `<same origin>/live/<agent id>/stream?token=…` (built from its own location, so it works behind
 * any host name) and paints each binary message (a JPEG frame) into an <img>; a text message is
 * JSON (`{"type":"page","url":…}`, the page being shown). On close it shows the reason (e.g.
 * "agent ended: idle timeout") and does not reconnect after an agent-ended code (4001..4005);
 * otherwise it tries again, every 2 s at most, for about two minutes (a task's browser may still
 * be waiting for a worker when its live_url is opened).
 */
const STYLE = `html,body{margin:0;height:100%;background:#111;color:#ddd;font:13px system-ui,sans-serif}
#bar{position:fixed;top:0;left:0;right:0;padding:4px 8px;background:rgba(0,0,0,.6);white-space:nowrap;overflow:hidden;text-overflow:ellipsis;z-index:1}
#screen{display:block;width:100%;height:100%;object-fit:contain}`;

const SCRIPT = `(function () {
  var bar = document.getElementById("bar");
  var screen = document.getElementById("screen");
  var url = new URL(location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.pathname = url.pathname.replace(/\\/+$/, "") + "/stream";
  var shown = null;
  var retries = 0;
  function status(text) { bar.textContent = text; }
  function connect() {
    var ws = new WebSocket(url.toString());
    ws.binaryType = "blob";
    ws.onopen = function () { retries = 0; status("connected"); };
    ws.onmessage = function (event) {
      if (typeof event.data === "string") {
        try { var message = JSON.parse(event.data); if (message.type === "page") status(message.url); } catch (e) {}
        return;
      }
      var next = URL.createObjectURL(event.data);
      screen.onload = function () { if (shown) URL.revokeObjectURL(shown); shown = next; };
      screen.src = next;
    };
    ws.onclose = function (event) {
      var ended = event.code >= 4000 && event.code < 5000;
      status(ended ? event.reason || "agent ended" : "disconnected" + (event.reason ? ": " + event.reason : ""));
      if (!ended && retries < 60) { retries += 1; if (!shown) status("waiting for the agent's browser…"); setTimeout(connect, Math.min(2000, 500 * retries)); }
    };
  }
  connect();
})();`;

const sha256 = (text: string): string => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/** Only the inline script and style above run; frames are blob: images; the socket goes to this origin only. */
export const LIVE_VIEW_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "img-src blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export function liveViewPage(agentId: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Live view: ${agentId}</title>
<style>${STYLE}</style></head>
<body><div id="bar">connecting…</div><img id="screen" alt="the agent's screen">
<script>${SCRIPT}</script></body></html>`;
}
