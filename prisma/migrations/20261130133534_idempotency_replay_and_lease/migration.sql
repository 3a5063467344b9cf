-- AlterTable
ALTER TABLE "idempotency_keys" ADD COLUMN     "locked_until" TIMESTAMPTZ(3),
ADD COLUMN     "response_headers" JSONB,
DROP COLUMN "response_body",
ADD COLUMN     "response_body" BYTEA;
