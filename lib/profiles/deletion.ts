import type { Prisma } from "@/generated/prisma/client";
import { getArtifactStorage } from "../artifacts/storage";
import { getDb } from "../db";

type Tx = Prisma.TransactionClient;

/**
 * Deletes the builds matched by `where` (with their rows cascading) and then their files. A build whose ISO
 * another, surviving build reuses (possibly someone else's) hands its artifacts and provenance to the oldest
 * such build first, so deleting one person's machine never takes another person's download with it.
 */
export async function deleteBuildsAndFiles(where: Prisma.BuildWhereInput, deleteRest: (tx: Tx) => Promise<unknown>) {
  const orphanKeys = await getDb().$transaction(async (tx) => {
    const doomed = await tx.build.findMany({
      where,
      select: { id: true, hostId: true, result: true, startedAt: true, finishedAt: true, artifacts: { select: { id: true, kind: true, storageKey: true } } },
    });
    const doomedIds = doomed.map((b) => b.id);
    const keys: string[] = [];
    for (const build of doomed) {
      const heir = await tx.build.findFirst({
        where: { reusedFromId: build.id, id: { notIn: doomedIds } },
        orderBy: { queuedAt: "asc" },
        select: { id: true, artifacts: { select: { kind: true } } },
      });
      if (!heir) {
        keys.push(...build.artifacts.map((a) => a.storageKey));
        continue;
      }
      const heirHas = new Set(heir.artifacts.map((a) => a.kind));
      for (const artifact of build.artifacts) {
        if (heirHas.has(artifact.kind)) keys.push(artifact.storageKey);
        else await tx.artifact.update({ where: { id: artifact.id }, data: { buildId: heir.id } });
      }
      await tx.build.update({
        where: { id: heir.id },
        data: { reusedFromId: null, hostId: build.hostId, result: build.result ?? undefined, startedAt: build.startedAt, finishedAt: build.finishedAt },
      });
      await tx.build.updateMany({ where: { reusedFromId: build.id, id: { notIn: doomedIds } }, data: { reusedFromId: heir.id } });
    }
    await deleteRest(tx);
    return keys;
  });
  const storage = getArtifactStorage();
  // Files go after the rows: a failed delete leaves an orphan file, never a row pointing at nothing.
  for (const key of orphanKeys) await storage.delete(key).catch(() => undefined);
}
