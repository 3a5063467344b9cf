import { z } from "zod";

/** Longest range one usage query covers (days, inclusive). */
export const MAX_USAGE_DAYS = 366;
const DAY_MS = 86_400_000;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date, YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "must be a real calendar date");

const todayUtc = (): string => new Date().toISOString().slice(0, 10);

/** GET /v1/usage: UTC days, inclusive; default the last 30 days up to today. */
export const usageQuery = z
  .object({ from: isoDate.optional(), to: isoDate.optional() })
  .transform((q) => {
    const to = q.to ?? todayUtc();
    const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10);
    return { from, to };
  })
  .refine((q) => q.from <= q.to, { message: "from must not be after to", path: ["from"] })
  .refine((q) => (Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`)) / DAY_MS < MAX_USAGE_DAYS, { message: `a usage query covers at most ${MAX_USAGE_DAYS} days`, path: ["to"] });

export const usageView = z.object({
  items: z.array(
    z.object({
      date: z.string(),
      pages: z.number().int(),
      agent_seconds: z.number().int(),
      task_steps: z.number().int(),
      bytes_up: z.number().int(),
      bytes_down: z.number().int(),
    }),
  ),
});
