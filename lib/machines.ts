import { getDb } from "./db";
import type { Actor } from "./auth/actor";

/** The machines the actor owns, newest first, with how many profiles each has. */
export async function listMachines({ actor }: { actor: Actor }) {
  return getDb().machine.findMany({
    where: { ownerId: actor.id },
    orderBy: { createdAt: "desc" },
    include: { _count: { select: { profiles: true } } },
  });
}
