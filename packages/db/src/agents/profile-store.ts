import type { Db } from "../client.ts";

/**
 * Where persistent agents' profiles live (a gzipped tar each). Postgres by default; the interface
 * is all the worker and API use, so an object store can take its place.
 */
export interface ProfileStore {
  load(agentId: string): Promise<Buffer | null>;
  /** Saves the profile written by `sessionId`'s end; false (nothing written) unless that session is still the agent's running one. */
  save(input: { agentId: string; sessionId: string; bytes: Buffer }): Promise<boolean>;
  delete(agentId: string): Promise<void>;
}

export function postgresProfileStore(prisma: Db): ProfileStore {
  return {
    load: async (agentId) => {
      const row = await prisma.agentProfile.findUnique({ where: { agentId }, select: { bytes: true } });
      return row ? Buffer.from(row.bytes) : null;
    },
    save: (input) =>
      prisma.$transaction(async (tx) => {
        // One writer: the session must still be the agent's open one (locked, so its end cannot pass it meanwhile).
        const [open] = await tx.$queryRaw<{ id: string }[]>`
          SELECT s.id FROM agent_sessions s JOIN agents a ON a.id = s.agent_id
          WHERE s.id = ${input.sessionId} AND s.agent_id = ${input.agentId} AND s.status = 'running' AND a.status <> 'destroyed'
          FOR UPDATE OF s`;
        if (!open) return false;
        const data = { bytes: new Uint8Array(input.bytes), sizeBytes: input.bytes.length, sessionId: input.sessionId, savedAt: new Date() };
        await tx.agentProfile.upsert({ where: { agentId: input.agentId }, create: { agentId: input.agentId, ...data }, update: data });
        return true;
      }),
    delete: async (agentId) => {
      await prisma.agentProfile.deleteMany({ where: { agentId } });
    },
  };
}
