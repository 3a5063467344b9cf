// The only door to the generated client: apps depend on these names, never on ./generated.
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
} from "./generated/prisma/client.ts";
