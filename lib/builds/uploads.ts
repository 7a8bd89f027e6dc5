import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { z } from "zod";
import { getDb } from "../db";
import { getEnv } from "../env";
import { AppError } from "../errors";
import { formatBytes, getArtifactStorage, storageKeyFor } from "../artifacts/storage";
import { requireAttempt } from "./host";

export const artifactKindSchema = z.enum(["iso", "log"]).transform((k) => (k === "iso" ? "ISO" : "LOG") as "ISO" | "LOG");

/** An upload's hold on its attempt lasts this long unless renewed; a crashed app's hold expires by itself. */
const UPLOAD_LOCK_MS = 30_000;

/**
 * Streams an upload to storage, verifying the declared size and sha256 before anything becomes visible. Refused
 * before a byte is read: a size above MAX_UPLOAD_BYTES (413), more than the storage has free (507 from the storage,
 * naming the space needed), and a second upload of the same attempt while one runs (409). The attempt is checked again
 * after the bytes arrived, so a build retried meanwhile refuses the late upload.
 */
export async function uploadArtifact(options: {
  buildId: string;
  attempt: number;
  token?: string;
  kind: "ISO" | "LOG";
  body: Readable;
  sizeBytes: number;
  sha256: string;
  fileName: string;
}) {
  const { buildId, attempt, token, kind, body, sizeBytes } = options;
  await requireAttempt({ buildId, attempt, token });
  if (!/^[0-9a-f]{64}$/i.test(options.sha256)) throw new AppError("BAD_REQUEST", "Declare the sha256 as 64 hex digits in X-Content-SHA256");
  const ceiling = getEnv().MAX_UPLOAD_BYTES;
  if (sizeBytes > ceiling) {
    throw new AppError(
      "TOO_LARGE",
      `This upload declares ${formatBytes(sizeBytes)} (${sizeBytes} bytes); the dashboard accepts at most ${formatBytes(ceiling)} per artifact (MAX_UPLOAD_BYTES)`,
    );
  }
  const storage = getArtifactStorage();
  const release = await holdUploadLock({ buildId, attempt });
  const storageKey = storageKeyFor({ buildId, attempt, kind });
  try {
    const stored = await storage.put(storageKey, body, { sizeBytes, sha256: options.sha256 });
    try {
      await requireAttempt({ buildId, attempt, token });
      const data = { kind, fileName: options.fileName, sizeBytes: BigInt(stored.sizeBytes), sha256: stored.sha256, storageKey };
      const db = getDb();
      const artifact = await db.artifact.upsert({ where: { buildId_kind: { buildId, kind } }, create: { buildId, ...data }, update: data });
      if (kind === "LOG") await db.buildAttempt.updateMany({ where: { buildId, number: attempt }, data: { logArtifactId: artifact.id } });
      return artifact;
    } catch (error) {
      await storage.delete(storageKey);
      throw error;
    }
  } finally {
    await release();
  }
}

/** Takes the attempt's upload lock (409 when another upload holds it) and renews it until released. */
async function holdUploadLock({ buildId, attempt }: { buildId: string; attempt: number }): Promise<() => Promise<void>> {
  const db = getDb();
  const lockId = randomUUID();
  const until = () => new Date(Date.now() + UPLOAD_LOCK_MS);
  const taken = await db.buildAttempt.updateMany({
    where: { buildId, number: attempt, OR: [{ uploadLockUntil: null }, { uploadLockUntil: { lt: new Date() } }] },
    data: { uploadLockId: lockId, uploadLockUntil: until() },
  });
  if (taken.count === 0) {
    throw new AppError("CONFLICT", `Another upload for attempt ${attempt} of build ${buildId} is still running: one upload at a time, try again when it ended`);
  }
  const renew = setInterval(() => {
    void db.buildAttempt.updateMany({ where: { buildId, number: attempt, uploadLockId: lockId }, data: { uploadLockUntil: until() } }).catch(() => undefined);
  }, UPLOAD_LOCK_MS / 3);
  renew.unref();
  return async () => {
    clearInterval(renew);
    await db.buildAttempt
      .updateMany({ where: { buildId, number: attempt, uploadLockId: lockId }, data: { uploadLockId: null, uploadLockUntil: null } })
      .catch(() => undefined);
  };
}
