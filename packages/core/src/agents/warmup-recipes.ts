import { z } from "zod";

/** Most URLs one recipe visits, and how long each visit may take (a slow site never holds the 201 past its startup timeout). */
export const MAX_WARMUP_URLS = 10;
export const WARMUP_VISIT_TIMEOUT_MS = 8_000;

/**
 * Built-in warmup recipes (api.md "Agents": `amazon`, `google`, `social`): public sites an agent
 * visits before it is handed over, so it arrives with the history and first-party cookies of a
 * browser that has been somewhere. Operators add or replace recipes with AGENT_WARMUP_RECIPES.
 */
export const BUILT_IN_WARMUP_RECIPES: Readonly<Record<string, readonly string[]>> = {
  amazon: ["https://www.amazon.com/", "https://www.amazon.com/gp/bestsellers/"],
  google: ["https://www.google.com/", "https://www.youtube.com/", "https://news.google.com/"],
  social: ["https://www.reddit.com/", "https://www.linkedin.com/", "https://x.com/"],
};

/** A recipe table as settings give it: `{"name": ["https://…", …]}`. */
export const warmupRecipeTable = z.record(
  z.string().regex(/^[a-z0-9_-]{1,64}$/, "recipe names are a-z, 0-9, _ and -"),
  z.array(z.url({ protocol: /^https?$/ })).min(1).max(MAX_WARMUP_URLS),
);
export type WarmupRecipeTable = z.infer<typeof warmupRecipeTable>;

/** The recipes a process knows: the built-in ones, then the operator's (which win on a shared name). */
export function warmupRecipes(operatorRecipes: WarmupRecipeTable | null | undefined): Readonly<Record<string, readonly string[]>> {
  return { ...BUILT_IN_WARMUP_RECIPES, ...(operatorRecipes ?? {}) };
}
