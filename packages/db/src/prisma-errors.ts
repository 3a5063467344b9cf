import { Prisma } from "./generated/prisma/client.ts";

/** P2025: the row an update/delete targeted does not exist; P2003: a foreign key points nowhere. */
export function isPrismaError(err: unknown, code: "P2025" | "P2003" | "P2002"): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === code;
}
