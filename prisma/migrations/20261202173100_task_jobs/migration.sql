-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "agent_id" TEXT,
ADD COLUMN     "step_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "task_result" JSONB;

-- CreateTable
CREATE TABLE "task_steps" (
    "job_id" UUID NOT NULL,
    "n" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "args" JSONB,
    "url" TEXT,
    "observation" TEXT,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "input_tokens" INTEGER NOT NULL,
    "output_tokens" INTEGER NOT NULL,
    "answered_at" TIMESTAMPTZ(3),

    CONSTRAINT "task_steps_pkey" PRIMARY KEY ("job_id","n")
);

-- CreateIndex
CREATE UNIQUE INDEX "jobs_agent_id_key" ON "jobs"("agent_id");

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_steps" ADD CONSTRAINT "task_steps_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
