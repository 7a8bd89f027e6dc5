import { getDb } from "../db";
import { getEnv } from "../env";
import { getArtifactStorage } from "./storage";

/**
 * Keeps the newest N succeeded builds of a profile and deletes older ones with their files. A build's ISO is
 * kept while any kept build (of any profile) reuses it, so reuse never points at a deleted file.
 */
export async function applyRetention({ profileId, keep = getEnv().RETAIN_ISOS_PER_PROFILE }: { profileId: string; keep?: number }) {
  const db = getDb();
  const builds = await db.build.findMany({
    where: { status: "SUCCEEDED", revision: { profileId } },
    orderBy: { finishedAt: "desc" },
    select: { id: true, reusedFromId: true, artifacts: { select: { id: true, storageKey: true } } },
  });
  const expired = builds.slice(keep);
  if (expired.length === 0) return { deleted: 0 };
  const expiredIds = expired.map((b) => b.id);
  // Reused by a build that stays (any profile): keep the producer.
  const stillReused = await db.build.findMany({
    where: { reusedFromId: { in: expiredIds }, id: { notIn: expiredIds } },
    select: { reusedFromId: true },
  });
  const pinned = new Set(stillReused.map((b) => b.reusedFromId));
  const storage = getArtifactStorage();
  let deleted = 0;
  for (const build of expired) {
    if (pinned.has(build.id)) continue;
    await db.$transaction([
      db.build.updateMany({ where: { reusedFromId: build.id }, data: { reusedFromId: null } }),
      db.build.delete({ where: { id: build.id } }),
    ]);
    for (const artifact of build.artifacts) await storage.delete(artifact.storageKey).catch(() => undefined);
    deleted += 1;
  }
  return { deleted };
}
