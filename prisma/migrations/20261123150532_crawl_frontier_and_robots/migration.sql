-- AlterTable
ALTER TABLE "job_items" ADD COLUMN     "url_key" TEXT;

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "crawl_robots_txt" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "job_items_job_id_url_key_key" ON "job_items"("job_id", "url_key");
