import type { Db } from "../client.ts";

export interface DailyUsage {
  date: string;
  pages: number;
  agentSeconds: number;
  taskSteps: number;
  bytesUp: number;
  bytesDown: number;
}

/**
 * A workspace's usage per UTC day from `from` to `to` (inclusive, YYYY-MM-DD), every day listed:
 * pages that finished successfully, seconds agents' browsers ran (a session that spans midnight
 * counts on both days; a running one up to now), and bytes through the egress proxy (each
 * session's whole count on the UTC day it started, a running one as last written by its
 * worker), and task steps recorded (each one task_step credit) on the UTC day each started.
 * Day bounds are UTC whatever the database session's TimeZone.
 */
export async function dailyUsage(prisma: Db, input: { workspaceId: string; from: string; to: string }): Promise<DailyUsage[]> {
  const rows = await prisma.$queryRaw<{ date: string; pages: bigint; agent_seconds: number | null; bytes_up: bigint | null; bytes_down: bigint | null; task_steps: bigint | null }[]>`
    WITH days AS (
      SELECT d::date AS day FROM generate_series(${input.from}::date, ${input.to}::date, interval '1 day') AS d
    ),
    pages AS (
      SELECT (completed_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
      FROM job_items
      WHERE workspace_id = ${input.workspaceId}::uuid AND status = 'completed'
        AND completed_at >= ${input.from}::date::timestamp AT TIME ZONE 'UTC' AND completed_at < (${input.to}::date + 1)::timestamp AT TIME ZONE 'UTC'
      GROUP BY 1
    ),
    agent_time AS (
      SELECT days.day, sum(extract(epoch FROM
               least(coalesce(s.ended_at, now()), (days.day + 1)::timestamp AT TIME ZONE 'UTC')
             - greatest(s.started_at, days.day::timestamp AT TIME ZONE 'UTC'))) AS seconds
      FROM days JOIN agent_sessions s
        ON s.workspace_id = ${input.workspaceId}::uuid AND s.started_at IS NOT NULL
       AND s.started_at < (days.day + 1)::timestamp AT TIME ZONE 'UTC'
       AND coalesce(s.ended_at, now()) > days.day::timestamp AT TIME ZONE 'UTC'
      GROUP BY days.day
    ),
    egress AS (
      SELECT (started_at AT TIME ZONE 'UTC')::date AS day, sum(bytes_up)::bigint AS up, sum(bytes_down)::bigint AS down
      FROM agent_sessions
      WHERE workspace_id = ${input.workspaceId}::uuid
        AND started_at >= ${input.from}::date::timestamp AT TIME ZONE 'UTC' AND started_at < (${input.to}::date + 1)::timestamp AT TIME ZONE 'UTC'
      GROUP BY 1
    ),
    steps AS (
      SELECT (s.started_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
      FROM jobs j JOIN task_steps s ON s.job_id = j.id
      WHERE j.workspace_id = ${input.workspaceId}::uuid AND j.kind = 'task'
        AND s.started_at >= ${input.from}::date::timestamp AT TIME ZONE 'UTC' AND s.started_at < (${input.to}::date + 1)::timestamp AT TIME ZONE 'UTC'
      GROUP BY 1
    )
    SELECT to_char(days.day, 'YYYY-MM-DD') AS date, coalesce(pages.n, 0) AS pages, agent_time.seconds::float8 AS agent_seconds,
           egress.up AS bytes_up, egress.down AS bytes_down, steps.n AS task_steps
    FROM days
    LEFT JOIN pages ON pages.day = days.day
    LEFT JOIN agent_time ON agent_time.day = days.day
    LEFT JOIN egress ON egress.day = days.day
    LEFT JOIN steps ON steps.day = days.day
    ORDER BY days.day`;
  return rows.map((r) => ({
    date: r.date,
    pages: Number(r.pages),
    agentSeconds: Math.round(r.agent_seconds ?? 0),
    taskSteps: Number(r.task_steps ?? 0n),
    bytesUp: Number(r.bytes_up ?? 0n),
    bytesDown: Number(r.bytes_down ?? 0n),
  }));
}
