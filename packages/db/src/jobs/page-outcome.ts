import type { ItemErrorCode } from "@browserfleet/core";

/** What rendering one item produced, as the worker hands it to the database. */
export type PageOutcome =
  | {
      ok: true;
      finalUrl: string;
      httpStatus: number | null;
      title: string;
      durationMs: number;
      html?: string;
      text?: string;
      links?: string[];
      screenshotPng?: Buffer;
      markdown?: string;
      /** Formats cut at their bound (api.md § Jobs). */
      truncated?: string[];
    }
  | { ok: false; errorCode: ItemErrorCode; errorMessage: string; finalUrl?: string; durationMs: number };

