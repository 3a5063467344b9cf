import type { FakeReply, FakeTurn } from "./fake-llm.ts";

/** The ref of the first snapshot line matching `pattern` in the newest observation (as a model reads the page). */
export function snapshotRef(turn: FakeTurn, pattern: RegExp): string {
  const line = turn.last.split("\n").find((l) => pattern.test(l));
  const found = line && /\[ref=([a-z0-9]+)\]/.exec(line)?.[1];
  if (!found) throw new Error(`the fake model found no ${pattern} in:\n${turn.last}`);
  return found;
}

/**
 * The fake model's policy for the fixture shop (shop-site.ts): "search for mug, open the red one,
 * read its price, done", each call decided from what the page shows; tokens 100 + call number in, 10 out.
 */
export function shopper(turn: FakeTurn): FakeReply {
  const usage = { input: 100 + turn.n, output: 10 };
  if (turn.last.includes("Title: Shop")) return { tool: "type", args: { index: snapshotRef(turn, /textbox "Search"/), text: "mug", submit: true }, usage };
  if (turn.last.includes("Title: Results")) return { tool: "click", args: { index: snapshotRef(turn, /link "Red mug"/) }, usage };
  const extracted = turn.messages.map((m) => m.text).find((t) => t.includes("page text:"));
  if (!extracted) return { tool: "extract", args: {}, usage };
  return { tool: "done", args: { result: /Price: [^\n]+/.exec(extracted)?.[0] ?? "unknown" }, usage };
}
