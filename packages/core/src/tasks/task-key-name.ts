/** Where a task's sealed LLM key lives in Redis (packages/tasks task-key-vault.ts); whoever ends a task may delete it. */
export function taskKeyName(prefix: string, jobId: string): string {
  return `${prefix}:task-key:${jobId}`;
}
