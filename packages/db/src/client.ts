// The only door to the generated client: the rest of packages/db and every app use these names, never ./generated.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.ts";

export { Prisma, JobKind, JobStatus, ItemStatus } from "./generated/prisma/client.ts";
export type {
  PrismaClient,
  Workspace,
  ApiKey,
  Job,
  JobItem,
  JobItemPayload,
  CreditLedgerEntry,
  IdempotencyKey,
  WebhookEndpoint,
  OutboxEvent,
  WebhookTask,
  WebhookDelivery,
  Agent,
  AgentSession,
  AgentToken,
  TaskStep,
} from "./generated/prisma/client.ts";

/** The Prisma client: what a repository function takes when it opens its own transaction (or runs one statement). */
export type Db = PrismaClient;
/**
 * An interactive transaction's client: what a repository function takes when it must run inside the caller's
 * transaction, or runs one statement that may (a Db is one too).
 */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export interface CreatePrismaClientOptions {
  /** Connections this process may hold; size it to the process's concurrency, not the server's limit. */
  poolMax?: number;
  /**
   * Longest wait for a connection (a new one, or a free one in the pool) before the query fails;
   * without it a dead or unreachable server can hold a request until the OS gives up.
   */
  connectTimeoutMs?: number;
  /**
   * Longest wait for one query's answer (pg's client-side query_timeout): a server or network
   * that hangs with the connection open fails the query instead of holding its caller forever.
   */
  queryTimeoutMs?: number;
}

/** One client per process, built at the composition root and passed down; never a module singleton. */
export function createPrismaClient(databaseUrl: string, options: CreatePrismaClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.poolMax ?? 10,
    ...(options.connectTimeoutMs !== undefined ? { connectionTimeoutMillis: options.connectTimeoutMs } : {}),
    ...(options.queryTimeoutMs !== undefined ? { query_timeout: options.queryTimeoutMs } : {}),
    // A server that vanished without a FIN (host down, network cut) is noticed instead of waited on forever.
    keepAlive: true,
  });
  // Prisma's default 5 s for an interactive transaction is too tight for a 1000-item batch on a
  // busy machine; a job's transaction is bounded by its item count, so allow it more room.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 30_000 } });
}
