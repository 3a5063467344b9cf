import type { PrismaClient } from "../generated/prisma/client.ts";

/** The Prisma client: what a repository function takes when it opens its own transaction (or runs one statement). */
export type Db = PrismaClient;
/** An interactive transaction's client: what a repository function takes when it must run inside the caller's transaction. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
