/**
 * A cheap upper estimate of the RE2 program a pattern compiles to, read from its text alone:
 * every atom counts 1, times the largest count of each repetition around it. Compiling is
 * what costs (a 500-character pattern repeated {1000} takes a third of a second), so a pattern
 * whose estimate is far past the limit is refused before RE2 ever sees it.
 */
export function estimatePatternSize(pattern: string): number {
  // Each open group: the size of its content so far, and the size of its last atom (what a quantifier repeats).
  const groups: { size: number; last: number }[] = [{ size: 0, last: 0 }];
  const top = () => groups[groups.length - 1]!;
  const atom = (size: number): void => {
    top().size += size;
    top().last = size;
  };
  const repeat = (times: number): void => {
    const g = top();
    g.size += g.last * (times - 1) + 1;
    g.last = g.last * times + 1;
  };

  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "\\") {
      i = skipEscape(pattern, i, atom);
      continue;
    }
    if (c === "[") {
      i = skipClass(pattern, i);
      atom(1);
      continue;
    }
    if (c === "(") {
      // A group's header (`(?:`, `(?i:`, `(?P<name>`, `(?<name>`) is no atom; flags alone (`(?i)`) open no group.
      const header = /^\((\?(P?<[^>]*>|[a-zA-Z-]*[:)]?))?/.exec(pattern.slice(i, i + 64))![0];
      if (!header.endsWith(")")) groups.push({ size: 0, last: 0 });
      i += header.length;
      continue;
    }
    if (c === ")" && groups.length > 1) {
      const inner = groups.pop()!;
      atom(inner.size + 1);
      i += 1;
      continue;
    }
    if (c === "|") {
      top().size += 1;
      top().last = 0;
      i += 1;
      continue;
    }
    if (c === "*" || c === "+" || c === "?") {
      repeat(1);
      i += pattern[i + 1] === "?" ? 2 : 1;
      continue;
    }
    if (c === "{") {
      const counted = /^\{(\d+)(,(\d*))?\}\??/.exec(pattern.slice(i, i + 24));
      if (counted) {
        const low = Number(counted[1]);
        const high = counted[3] ? Number(counted[3]) : low;
        repeat(Math.max(low, high) + (counted[2] !== undefined && !counted[3] ? 1 : 0) || 1);
        i += counted[0].length;
        continue;
      }
    }
    atom(1);
    i += 1;
  }
  while (groups.length > 1) {
    const inner = groups.pop()!;
    atom(inner.size + 1);
  }
  return top().size;
}

/** `\Q…\E` counts its literal characters; `\x{…}`, `\p{…}` and every other escape count one atom. */
function skipEscape(pattern: string, at: number, atom: (size: number) => void): number {
  const next = pattern[at + 1];
  if (next === "Q") {
    const end = pattern.indexOf("\\E", at + 2);
    const stop = end === -1 ? pattern.length : end;
    for (let k = at + 2; k < stop; k += 1) atom(1);
    return end === -1 ? stop : end + 2;
  }
  atom(1);
  if ((next === "x" || next === "p" || next === "P") && pattern[at + 2] === "{") {
    const close = pattern.indexOf("}", at + 3);
    return close === -1 ? pattern.length : close + 1;
  }
  return at + 2;
}

/** Index after a character class `[…]`: a `]` right after `[` or `[^` is literal, `[:name:]` and escapes are skipped. */
function skipClass(pattern: string, at: number): number {
  let i = at + 1;
  if (pattern[i] === "^") i += 1;
  if (pattern[i] === "]") i += 1;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "\\") i += 2;
    else if (c === "[" && pattern[i + 1] === ":") {
      const close = pattern.indexOf(":]", i + 2);
      i = close === -1 ? i + 1 : close + 2;
    } else if (c === "]") return i + 1;
    else i += 1;
  }
  return i;
}
