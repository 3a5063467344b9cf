/**
 * The smart router's heuristic (api.md "Smart router", after the reference): a task goes to a
 * plain scrape when it names exactly one URL, has a fetch verb, and has none of the interactive
 * verbs that need a real agent; anything else goes to the LLM agent. It is conservative on
 * purpose: a scrape where clicks were needed gives a wrong answer, while an agent where a scrape
 * would have done only costs time, so every inflection of an interactive verb counts and the URL
 * itself is never read for verbs (…/search?filter=… is not a "filter").
 */

export type TaskRoute = { route: "scrape"; url: string; reason: string } | { route: "task"; reason: string };

/** Each entry: the contract's verb as reasons name it, and the phrasings (inflections, spellings) that count as it. */
const FETCH_VERBS: ReadonlyArray<readonly [string, RegExp]> = [
  ["go to", /\b(?:go|goes|going|went)\s+(?:over\s+)?to\b/],
  ["navigate to", /\bnavigat(?:e|es|ed|ing)\s+to\b/],
  ["visit", /\bvisit(?:s|ed|ing)?\b/],
  ["fetch", /\bfetch(?:es|ed|ing)?\b/],
  ["return", /\breturn(?:s|ed|ing)?\b/],
  ["extract", /\bextract(?:s|ed|ing)?\b/],
  ["read", /\bread(?:s|ing)?\b/],
  ["open", /\bopen(?:s|ed|ing)?\b/],
];

const INTERACTIVE_VERBS: ReadonlyArray<readonly [string, RegExp]> = [
  ["click", /\b(?:double[-\s]?)?click(?:s|ed|ing)?\b|\btap(?:s|ped|ping)?\s+(?:on\s+)?(?:the|a|an)\b/],
  ["type", /\btyp(?:e|es|ed|ing)\b/],
  ["fill", /\bfill(?:s|ed|ing)?\b/],
  ["submit", /\bsubmit(?:s|ted|ting)?\b/],
  ["log in", /\blog(?:s|ged|ging)?[-\s]?(?:in|on)(?:to)?\b|\blogin\b|\bsign(?:s|ed|ing)?[-\s]?in(?:to)?\b/],
  ["sign up", /\bsign(?:s|ed|ing)?[-\s]?up\b|\bregister(?:s|ed|ing)?\b/],
  ["scroll", /\bscroll(?:s|ed|ing)?\b/],
  ["press", /\bpress(?:es|ed|ing)?\b/],
  ["select", /\bselect(?:s|ed|ing)?\b/],
  ["choose", /\bchoos(?:e|es|ing)\b|\bchose(?:n)?\b/],
  ["hover", /\bhover(?:s|ed|ing)?\b/],
  ["search for", /\bsearch(?:es|ed|ing)?\s+(?:\S+\s+)?for\b|\bsearch(?:es|ed|ing)?\s+(?:the\s+site|it)\b/],
  ["filter", /\bfilter(?:s|ed|ing)?\b/],
  ["sort by", /\bsort(?:s|ed|ing)?\b/],
  ["add to cart", /\badd(?:s|ed|ing)?\s+(?:\S+\s+){0,4}to\s+(?:the\s+|my\s+|your\s+)?(?:cart|basket|bag)\b/],
  ["checkout", /\bcheck(?:s|ed|ing)?[-\s]?out\b/],
];

/** http(s) URLs as people write them in prose: up to whitespace, without the punctuation that ends a sentence or a quote. */
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

/** Distinct URLs named in the task, in order. */
export function urlsInTask(task: string): string[] {
  const found: string[] = [];
  for (const match of task.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, "");
    if (!found.includes(url)) found.push(url);
  }
  return found;
}

/** The verb that appears first in the text (the one a reason names), if any. */
function firstOf(verbs: ReadonlyArray<readonly [string, RegExp]>, text: string): readonly [string, RegExp] | undefined {
  let first: { at: number; verb: readonly [string, RegExp] } | undefined;
  for (const verb of verbs) {
    const at = text.search(verb[1]);
    if (at >= 0 && (first === undefined || at < first.at)) first = { at, verb };
  }
  return first?.verb;
}

/** Decides the route of one task, with the reason the response carries (`routing_reason`). */
export function routeTask(task: string): TaskRoute {
  const urls = urlsInTask(task);
  if (urls.length === 0) return { route: "task", reason: "no URL in the task: an agent finds its own way" };
  if (urls.length > 1) return { route: "task", reason: `${urls.length} URLs in the task: the fast path takes exactly one` };
  // Verbs are read in the prose only: the URL's own path and query say nothing about the task.
  const prose = task.replace(URL_PATTERN, " ").toLowerCase();
  const interactive = firstOf(INTERACTIVE_VERBS, prose);
  if (interactive) return { route: "task", reason: `interactive verb "${interactive[0]}": it needs an agent` };
  const fetch = firstOf(FETCH_VERBS, prose);
  if (!fetch) return { route: "task", reason: "no fetch verb (go to, visit, fetch, return, extract, read, navigate to, open): an agent decides" };
  return { route: "scrape", url: urls[0]!, reason: `one URL and the fetch verb "${fetch[0]}", no interactive verb: a plain scrape` };
}
