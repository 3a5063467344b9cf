import type { Job, JobKind, JobStatus, Prisma } from "../client.ts";
import type { HotReadPool } from "./hot-read-pool.ts";

interface JobRow {
  id: string;
  workspace_id: string;
  kind: string;
  status: string;
  params: Prisma.JsonValue;
  sync: boolean;
  progress_done: number;
  progress_failed: number;
  progress_total: number;
  credits_reserved: number;
  credits_charged: number;
  error_code: string | null;
  error_message: string | null;
  crawl_robots_txt: string | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  updated_at: Date;
  results_deleted_at: Date | null;
  agent_id: string | null;
  step_count: number;
  task_result: Prisma.JsonValue | null;
}

/** findJob through the driver: the whole row, as Prisma's Job (a test holds the two equal, column for column). */
export async function findJobHot(reads: HotReadPool, workspaceId: string, jobId: string): Promise<Job | null> {
  const { rows } = await reads.pool.query<JobRow>({
    name: "bf_job_by_id",
    text: `SELECT id, workspace_id, kind, status, params, sync, progress_done, progress_failed, progress_total,
                  credits_reserved, credits_charged, error_code, error_message, crawl_robots_txt, created_at,
                  started_at, completed_at, updated_at, results_deleted_at, agent_id, step_count, task_result
             FROM jobs WHERE id = $1 AND workspace_id = $2`,
    values: [jobId, workspaceId],
  });
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    kind: r.kind as JobKind,
    status: r.status as JobStatus,
    params: r.params as Prisma.JsonValue,
    sync: r.sync,
    progressDone: r.progress_done,
    progressFailed: r.progress_failed,
    progressTotal: r.progress_total,
    creditsReserved: r.credits_reserved,
    creditsCharged: r.credits_charged,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    crawlRobotsTxt: r.crawl_robots_txt,
    createdAt: r.created_at,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    updatedAt: r.updated_at,
    resultsDeletedAt: r.results_deleted_at,
    agentId: r.agent_id,
    stepCount: r.step_count,
    taskResult: r.task_result,
  };
}
