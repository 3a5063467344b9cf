// Header names of the idempotency contract; the OpenAPI document and the middleware share them.
export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
export const IDEMPOTENT_REPLAY_HEADER = "Idempotent-Replay";
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
