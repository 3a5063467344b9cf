import type { Job, JobKind, JobStatus, Prisma } from "../client.ts";

/** The jobs columns, in the order the driver's statements select them. */
export const JOB_COLUMNS = `id, workspace_id, kind, status, params, sync, progress_done, progress_failed, progress_total,
  credits_reserved, credits_charged, error_code, error_message, crawl_robots_txt, created_at,
  started_at, completed_at, updated_at, results_deleted_at, agent_id, step_count, task_result`;

export interface JobRow {
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

/** A jobs row as Prisma's Job (packages/db/test/hot-paths.test.ts holds the two equal, column for column). */
export function jobFromRow(r: JobRow): Job {
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
