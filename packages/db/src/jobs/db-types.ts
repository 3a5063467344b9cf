import type { PrismaClient } from "../generated/prisma/client.ts";

/** The client or an interactive transaction: what every repository function accepts. */
export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
