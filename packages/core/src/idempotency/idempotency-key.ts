import { z } from "zod";
import { IDEMPOTENCY_KEY_MAX_LENGTH } from "./idempotency-headers.ts";

/** The Idempotency-Key header's value: 1..255 printable ASCII characters, not only spaces. */
export const idempotencyKeyHeader = z
  .string()
  .min(1, "must not be empty")
  .max(IDEMPOTENCY_KEY_MAX_LENGTH, `must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`)
  .regex(/^[\x20-\x7E]+$/, "must be printable ASCII (no control or non-ASCII characters)")
  .refine((key) => key.trim() !== "", "must not be blank");
