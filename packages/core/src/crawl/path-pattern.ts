import { RE2JS, RE2JSSyntaxException } from "re2js";
import { estimatePatternSize } from "./estimate-pattern-size.ts";

/** Longest include/exclude pattern, in characters. */
export const MAX_PATH_PATTERN_LENGTH = 512;
/** Most patterns in one list (include_paths or exclude_paths). */
export const MAX_PATH_PATTERNS = 50;
/** Largest RE2 program one pattern may compile to: matching costs at most this much work per path character. */
export const MAX_PATH_PATTERN_SIZE = 1_000;
/** Largest RE2 programs one list may compile to together, so checking one path stays bounded too. */
export const MAX_PATH_PATTERNS_TOTAL_SIZE = 5_000;
// Past this text estimate a pattern is refused without compiling it (the estimate overshoots; the real size decides below it).
const MAX_ESTIMATED_SIZE = 2 * MAX_PATH_PATTERN_SIZE;

const ENGINE = "patterns use RE2 syntax and run in linear time: https://github.com/google/re2/wiki/Syntax";

/** A user's include/exclude pattern as the crawl runs it: RE2, so a match takes time linear in the path. */
export interface PathPattern {
  source: string;
  /** RE2's program size: the work per character of the path. */
  size: number;
  test(path: string): boolean;
}

export type PathPatternResult = { ok: true; pattern: PathPattern } | { ok: false; reason: string };

/** Why RE2 refused a pattern, in the user's terms: the features it lacks are named, not just "syntax error". */
function describeSyntaxError(err: RE2JSSyntaxException): string {
  const what = err.getDescription();
  const at = err.getPattern() ?? "";
  if (what === "invalid escape sequence" && /^\\([1-9]|k)/.test(at)) return `backreferences such as ${at} are not supported; ${ENGINE}`;
  if (what === "invalid or unsupported Perl syntax" && /^\(\?[=!]/.test(at)) return `lookaheads such as ${at}…) are not supported; ${ENGINE}`;
  if (what === "invalid named capture" && /^\(\?<[=!]/.test(at)) return `lookbehinds such as ${at.slice(0, 4)}…) are not supported; ${ENGINE}`;
  return `not a valid regular expression (${what}${at ? ` at ${JSON.stringify(at.slice(0, 40))}` : ""}); ${ENGINE}`;
}

const tooComplex = (size: number, approximate: boolean): string =>
  `pattern is too complex: it compiles to ${approximate ? "about " : ""}${size} instructions, at most ${MAX_PATH_PATTERN_SIZE}; use smaller repetition counts`;

/** Compiles one pattern with RE2, or says why it cannot run: syntax RE2 lacks (backreferences, lookarounds) or too large a program. */
export function compilePathPattern(source: string): PathPatternResult {
  if (source.length === 0 || source.length > MAX_PATH_PATTERN_LENGTH) {
    return { ok: false, reason: `pattern must be 1 to ${MAX_PATH_PATTERN_LENGTH} characters` };
  }
  const estimate = estimatePatternSize(source);
  if (estimate > MAX_ESTIMATED_SIZE) return { ok: false, reason: tooComplex(estimate, true) };
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (err) {
    if (err instanceof RE2JSSyntaxException) return { ok: false, reason: describeSyntaxError(err) };
    return { ok: false, reason: `pattern cannot run: ${err instanceof Error ? err.message : String(err)}` };
  }
  const size = re.programSize();
  if (size > MAX_PATH_PATTERN_SIZE) return { ok: false, reason: tooComplex(size, false) };
  return { ok: true, pattern: { source, size, test: (path) => re.test(path) } };
}

export interface PathPatternProblem {
  index: number;
  message: string;
}

export type PathPatternListResult = { ok: true; patterns: PathPattern[] } | { ok: false; problems: PathPatternProblem[] };

/**
 * One list (include_paths or exclude_paths) compiled the way both the API (at submit) and the
 * worker (on every page) run it, with every problem by index. Once the list's programs pass
 * the total, the rest are not compiled at all, so a hostile list costs the caller little.
 */
export function compilePathPatterns(sources: readonly string[]): PathPatternListResult {
  const problems: PathPatternProblem[] = [];
  const patterns: PathPattern[] = [];
  if (sources.length > MAX_PATH_PATTERNS) problems.push({ index: MAX_PATH_PATTERNS, message: `at most ${MAX_PATH_PATTERNS} patterns per list` });
  let total = 0;
  sources.slice(0, MAX_PATH_PATTERNS).forEach((source, index) => {
    if (total > MAX_PATH_PATTERNS_TOTAL_SIZE) {
      problems.push({ index, message: `not checked: the patterns before it already compile to more than ${MAX_PATH_PATTERNS_TOTAL_SIZE} instructions together` });
      return;
    }
    const compiled = compilePathPattern(source);
    if (!compiled.ok) {
      problems.push({ index, message: compiled.reason });
      return;
    }
    total += compiled.pattern.size;
    if (total > MAX_PATH_PATTERNS_TOTAL_SIZE) {
      problems.push({ index, message: `the patterns up to this one compile to ${total} instructions together, at most ${MAX_PATH_PATTERNS_TOTAL_SIZE}` });
      return;
    }
    patterns.push(compiled.pattern);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, patterns };
}
