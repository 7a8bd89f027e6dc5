import { statfs } from "node:fs/promises";
import { resolve } from "node:path";
import { isAdmin, type Actor } from "../auth/actor";
import { getDb } from "../db";
import { getEnv } from "../env";
import { STORAGE_FULL_PREFIX } from "./storage";

/** How far back the Hosts page lists builds that failed on a full artifact disk. */
const RECENT_MS = 7 * 24 * 3600_000;

/**
 * For an admin (null for anyone else): the artifact disk's free and total bytes, and the builds of the last week
 * that failed because it was full, with the reason that says how much space was needed.
 */
export async function getArtifactStorageStatus({ actor }: { actor: Actor }) {
  if (!isAdmin(actor)) return null;
  const dir = resolve(getEnv().ARTIFACT_DIR);
  const disk = await statfs(dir).then(
    (s) => ({ freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize }),
    () => null,
  );
  const refused = await getDb().build.findMany({
    where: { status: "FAILED", failureReason: { contains: STORAGE_FULL_PREFIX }, finishedAt: { gte: new Date(Date.now() - RECENT_MS) } },
    orderBy: { finishedAt: "desc" },
    take: 5,
    select: { id: true, failureReason: true, finishedAt: true },
  });
  return { dir, disk, refused };
}
