-- AlterTable
ALTER TABLE "webhook_tasks" ADD COLUMN     "finished_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "webhook_deliveries_delivered_at_idx" ON "webhook_deliveries"("delivered_at");

-- CreateIndex
CREATE INDEX "webhook_tasks_endpoint_id_state_due_at_idx" ON "webhook_tasks"("endpoint_id", "state", "due_at");

-- CreateIndex
CREATE INDEX "webhook_tasks_finished_at_idx" ON "webhook_tasks"("finished_at");
