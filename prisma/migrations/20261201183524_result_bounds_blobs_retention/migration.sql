-- AlterTable
ALTER TABLE "idempotency_keys" ADD COLUMN     "response_job_id" UUID,
ADD COLUMN     "response_sha256" TEXT;

-- AlterTable
ALTER TABLE "job_item_payloads" ADD COLUMN     "blob_key" TEXT,
ADD COLUMN     "blob_store" TEXT,
ADD COLUMN     "size_bytes" INTEGER;

-- AlterTable
ALTER TABLE "job_items" ADD COLUMN     "truncated" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "results_deleted_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "payload_blobs" (
    "key" TEXT NOT NULL,
    "job_id" UUID NOT NULL,
    "bytes" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payload_blobs_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "payload_blobs_job_id_idx" ON "payload_blobs"("job_id");

-- CreateIndex
CREATE INDEX "jobs_results_deleted_at_completed_at_idx" ON "jobs"("results_deleted_at", "completed_at");

-- AddForeignKey
ALTER TABLE "payload_blobs" ADD CONSTRAINT "payload_blobs_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
