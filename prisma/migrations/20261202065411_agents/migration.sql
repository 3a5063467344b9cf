-- CreateEnum
CREATE TYPE "AgentMode" AS ENUM ('burner', 'persistent');

-- CreateEnum
CREATE TYPE "AgentStatus" AS ENUM ('queued', 'running', 'stopped', 'destroyed', 'failed');

-- CreateEnum
CREATE TYPE "AgentSessionStatus" AS ENUM ('queued', 'running', 'ended', 'failed');

-- AlterTable
ALTER TABLE "credit_ledger" ADD COLUMN     "agent_id" TEXT;

-- AlterTable
ALTER TABLE "workspaces" ADD COLUMN     "max_agents" INTEGER NOT NULL DEFAULT 5;

-- CreateTable
CREATE TABLE "agents" (
    "id" TEXT NOT NULL,
    "workspace_id" UUID NOT NULL,
    "mode" "AgentMode" NOT NULL,
    "status" "AgentStatus" NOT NULL DEFAULT 'queued',
    "os_type" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "persona" TEXT,
    "warmup_recipe" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "initial_url" TEXT,
    "idle_timeout_seconds" INTEGER NOT NULL,
    "trust_score" INTEGER,
    "cost_credits" INTEGER NOT NULL DEFAULT 0,
    "next_renewal_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),
    "ended_reason" TEXT,
    "error_code" TEXT,
    "error_message" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_sessions" (
    "id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "workspace_id" UUID NOT NULL,
    "status" "AgentSessionStatus" NOT NULL DEFAULT 'queued',
    "ttl_seconds" INTEGER NOT NULL,
    "startup_timeout_seconds" INTEGER NOT NULL,
    "credits_reserved" INTEGER NOT NULL DEFAULT 0,
    "credits_charged" INTEGER NOT NULL DEFAULT 0,
    "worker_id" TEXT,
    "worker_url" TEXT,
    "browser_pid" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "ended_reason" TEXT,
    "error_code" TEXT,
    "error_message" TEXT,
    "bytes_up" BIGINT NOT NULL DEFAULT 0,
    "bytes_down" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "agent_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_tokens" (
    "token_hash" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "session_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "agent_tokens_pkey" PRIMARY KEY ("token_hash")
);

-- CreateTable
CREATE TABLE "agent_profiles" (
    "agent_id" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "session_id" TEXT NOT NULL,
    "saved_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agent_profiles_pkey" PRIMARY KEY ("agent_id")
);

-- CreateIndex
CREATE INDEX "agents_workspace_id_created_at_id_idx" ON "agents"("workspace_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "agents_next_renewal_at_idx" ON "agents"("next_renewal_at");

-- CreateIndex
CREATE INDEX "agent_sessions_agent_id_created_at_idx" ON "agent_sessions"("agent_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "agent_sessions_workspace_id_status_idx" ON "agent_sessions"("workspace_id", "status");

-- CreateIndex
CREATE INDEX "agent_sessions_status_created_at_idx" ON "agent_sessions"("status", "created_at");

-- CreateIndex
CREATE INDEX "agent_tokens_session_id_idx" ON "agent_tokens"("session_id");

-- CreateIndex
CREATE INDEX "credit_ledger_agent_id_idx" ON "credit_ledger"("agent_id");

-- AddForeignKey
ALTER TABLE "credit_ledger" ADD CONSTRAINT "credit_ledger_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agents" ADD CONSTRAINT "agents_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_sessions" ADD CONSTRAINT "agent_sessions_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_sessions" ADD CONSTRAINT "agent_sessions_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_tokens" ADD CONSTRAINT "agent_tokens_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_tokens" ADD CONSTRAINT "agent_tokens_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "agent_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_profiles" ADD CONSTRAINT "agent_profiles_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
