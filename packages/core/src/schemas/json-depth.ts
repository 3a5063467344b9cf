/** Deepest nesting a free-form JSON field may have: Postgres' jsonb and every reader downstream recurse over it. */
export const MAX_JSON_DEPTH = 32;

/** True when `value` nests objects/arrays at most `maxDepth` deep; iterative, so a hostile value cannot overflow the stack here. */
export function isJsonDepthWithin(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (depth >= maxDepth) return false;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return true;
}
