import { inDriverTransaction, type DriverPool } from "../hot-paths/driver-pool.ts";

export interface ClaimOptions {
  /** At most this many tasks in this claim (the caller's free sending slots). */
  maxTasks: number;
  /** At most this many attempts in flight per endpoint across every dispatcher. */
  perEndpoint: number;
  /** How long a claimed attempt is ours; past it another dispatcher may take the task again. */
  leaseMs: number;
}

export interface ClaimedWebhookTask {
  taskId: string;
  attempt: number;
  endpointId: string;
  url: string;
  eventId: string;
  eventType: string;
  eventCreatedAt: Date;
  workspaceId: string;
  data: unknown;
  secret: string;
  previousSecret: string | null;
}

interface ClaimRow {
  task_id: string;
  attempts: number;
  endpoint_id: string;
  url: string;
  event_id: string;
  type: string;
  created_at: Date;
  workspace_id: string;
  data: unknown;
  signing_secret: string;
  previous_signing_secret: string | null;
}

const INTERRUPTED = "attempt interrupted: the dispatcher stopped before recording its outcome; retrying";

// One index probe per endpoint (webhook_tasks (endpoint_id, state, due_at)), never a pass over the backlog.
const LOCK_ENDPOINTS = `
      SELECT e.id FROM webhook_endpoints e
      WHERE EXISTS (
          SELECT 1 FROM webhook_tasks t
          WHERE t.endpoint_id = e.id AND t.state = 'pending' AND t.due_at <= now()
            AND (e.enabled OR EXISTS (SELECT 1 FROM outbox_events o WHERE o.id = t.event_id AND o.type = 'webhook.test')))
        OR EXISTS (
          SELECT 1 FROM webhook_tasks t
          WHERE t.endpoint_id = e.id AND t.state = 'sending' AND t.locked_until < now()
            AND (e.enabled OR EXISTS (SELECT 1 FROM outbox_events o WHERE o.id = t.event_id AND o.type = 'webhook.test')))
      ORDER BY random()
      LIMIT $1::int
      FOR UPDATE OF e SKIP LOCKED`;

const CLAIM = `
      WITH inflight AS (
        SELECT t.endpoint_id, count(*)::int AS n FROM webhook_tasks t
        WHERE t.endpoint_id = ANY($1::uuid[]) AND t.state = 'sending' AND t.locked_until >= now()
        GROUP BY t.endpoint_id
      ), room AS (
        SELECT l.endpoint_id, e.enabled, greatest(0, $2::int - coalesce(i.n, 0)) AS n
        FROM unnest($1::uuid[]) AS l(endpoint_id)
        JOIN webhook_endpoints e ON e.id = l.endpoint_id
        LEFT JOIN inflight i ON i.endpoint_id = l.endpoint_id
      ), picked AS (
        -- Per endpoint only the few oldest due tasks it has room for, read in due order from the
        -- (endpoint_id, state, due_at) index: the cost follows the claim's size, not the backlog's.
        SELECT d.id, d.prev_state FROM room r
        CROSS JOIN LATERAL (
          SELECT u.id, u.prev_state, u.due_at FROM (
            (SELECT t.id, t.state AS prev_state, t.due_at FROM webhook_tasks t
              WHERE t.endpoint_id = r.endpoint_id AND t.state = 'pending' AND t.due_at <= now()
                AND (r.enabled OR EXISTS (SELECT 1 FROM outbox_events o WHERE o.id = t.event_id AND o.type = 'webhook.test'))
              ORDER BY t.due_at LIMIT r.n)
            UNION ALL
            (SELECT t.id, t.state AS prev_state, t.due_at FROM webhook_tasks t
              WHERE t.endpoint_id = r.endpoint_id AND t.state = 'sending' AND t.locked_until < now()
                AND (r.enabled OR EXISTS (SELECT 1 FROM outbox_events o WHERE o.id = t.event_id AND o.type = 'webhook.test'))
              ORDER BY t.due_at LIMIT r.n)
          ) u
          ORDER BY u.due_at, u.id
          LIMIT r.n
        ) d
        ORDER BY d.due_at, d.id
        LIMIT $3::int
      ), claimed AS (
        UPDATE webhook_tasks t
        SET state = 'sending', attempts = t.attempts + 1, locked_until = now() + $4::float8 * interval '1 millisecond'
        FROM picked p
        -- Re-checked on the row's newest version: a task is never taken while another lease holds it.
        WHERE t.id = p.id AND ((t.state = 'pending' AND t.due_at <= now()) OR (t.state = 'sending' AND t.locked_until < now()))
        RETURNING t.id, t.attempts, t.endpoint_id, t.event_id, p.prev_state
      ), interrupted AS (
        INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, attempt, delivered_at, error, next_attempt_at)
        SELECT gen_random_uuid(), c.endpoint_id, c.event_id, o.type, c.attempts - 1, now(), $5::text, now()
        FROM claimed c JOIN outbox_events o ON o.id = c.event_id
        WHERE c.prev_state = 'sending'
      )
      SELECT c.id AS task_id, c.attempts, e.id AS endpoint_id, e.url, o.id AS event_id, o.type, o.created_at,
        o.workspace_id, o.data, w.signing_secret,
        CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_signing_secret END AS previous_signing_secret
      FROM claimed c
      JOIN webhook_endpoints e ON e.id = c.endpoint_id
      JOIN outbox_events o ON o.id = c.event_id
      JOIN workspaces w ON w.id = o.workspace_id`;

/**
 * Claims due tasks for one dispatcher. Endpoint rows are locked (SKIP LOCKED) before their tasks
 * are counted and taken, so two dispatchers never claim for the same endpoint at once: the
 * per-endpoint cap holds fleet-wide and no task is ever sent twice at the same time. A task
 * whose lease ran out (its dispatcher died mid-attempt) is due again; that lost attempt gets
 * its row in the delivery log now. A disabled endpoint still gets webhook.test pings.
 */
export async function claimWebhookTasks(driver: DriverPool, options: ClaimOptions): Promise<ClaimedWebhookTask[]> {
  if (options.maxTasks <= 0) return [];
  // Lock only the endpoints this claim can fill (with room for ones holding fewer due tasks), so
  // other dispatchers find the rest unlocked instead of skipping every endpoint.
  const endpointsToLock = Math.min(options.maxTasks, 2 * Math.ceil(options.maxTasks / options.perEndpoint));
  // Two statements in one transaction: the second takes its snapshot after the endpoint locks are
  // held, so it sees every claim committed before them (one statement would count in-flight
  // attempts and due tasks as of before the lock, and could take a task another dispatcher just took).
  const rows = await inDriverTransaction(driver, async (client) => {
    const locked = await client.query<{ id: string }>({ name: "bf_webhook_lock_endpoints", text: LOCK_ENDPOINTS, values: [endpointsToLock] });
    if (locked.rows.length === 0) return [];
    const ids = locked.rows.map((e) => e.id);
    const claimed = await client.query<ClaimRow>({
      name: "bf_webhook_claim_tasks",
      text: CLAIM,
      values: [ids, options.perEndpoint, options.maxTasks, options.leaseMs, INTERRUPTED],
    });
    return claimed.rows;
  });
  return rows.map((r) => ({
    taskId: r.task_id,
    attempt: r.attempts,
    endpointId: r.endpoint_id,
    url: r.url,
    eventId: r.event_id,
    eventType: r.type,
    eventCreatedAt: r.created_at,
    workspaceId: r.workspace_id,
    data: r.data,
    secret: r.signing_secret,
    previousSecret: r.previous_signing_secret,
  }));
}
