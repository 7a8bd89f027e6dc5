import type { Readable } from "node:stream";
import { z } from "zod";
import { hashSecret, newSecret } from "../auth/tokens";
import { getDb } from "../db";
import { AppError } from "../errors";
import { getRedis } from "../redis";
import { appendEnd, appendPhase } from "../log-stream";
import { getArtifactStorage, storageKeyFor } from "../artifacts/storage";
import { applyRetention } from "../artifacts/retention";
import type { BuildHostRow } from "../hosts";
import type { failBuildSchema, PhaseEvent } from "@/contracts/jobs";

/** After this many attempts lost to vanished hosts a build fails instead of being retried again. */
export const MAX_ATTEMPTS = 3;

/**
 * What a build host may do to a build. Claiming needs the host token; everything after it needs the token of
 * that one attempt, so a host that lost its build (killed, partitioned, cancelled) cannot change it later.
 */

/**
 * Takes a build for this host. A QUEUED build starts its attempt; a RUNNING one was re-delivered because its
 * host died, so it moves to a new attempt and the old host's token stops working.
 */
export async function claimBuild({ host, buildId }: { host: BuildHostRow; buildId: string }) {
  const db = getDb();
  const token = newSecret("zxa");
  const build = await db.build.findUnique({ where: { id: buildId } });
  if (!build) throw new AppError("NOT_FOUND", "No such build");
  if (build.arch !== host.arch) throw new AppError("CONFLICT", `Build ${buildId} is for ${build.arch}; this host builds ${host.arch}`);
  if (build.status !== "QUEUED" && build.status !== "RUNNING") {
    throw new AppError("CONFLICT", `Build ${buildId} is ${build.status.toLowerCase()}: there is nothing to build`);
  }
  const attempt = build.status === "RUNNING" ? build.attempt + 1 : build.attempt;
  if (attempt > MAX_ATTEMPTS) {
    // Re-delivered again and again: each host that took it died. Stop instead of killing more hosts.
    const reason = `The build was lost with its host ${build.attempt} times (the last one stopped during attempt ${build.attempt}); it was not retried again.`;
    await db.build.updateMany({ where: { id: buildId, status: "RUNNING", attempt: build.attempt }, data: { status: "FAILED", finishedAt: new Date(), failureReason: reason, attemptTokenHash: null } });
    await appendEnd(getRedis(), buildId, "FAILED", reason).catch(() => undefined);
    throw new AppError("CONFLICT", reason);
  }
  const updated = await db.build.updateMany({
    where: { id: buildId, status: build.status, attempt: build.attempt },
    data: {
      status: "RUNNING", attempt, hostId: host.id, attemptTokenHash: hashSecret(token), startedAt: new Date(),
      phase: "preparing", progress: 0, failureReason: null,
    },
  });
  if (updated.count === 0) throw new AppError("CONFLICT", `Build ${buildId} changed while claiming it: another host took it`);
  await appendPhase(getRedis(), buildId, { phase: "preparing", progress: 0, detail: `attempt ${attempt} on ${host.name}` }).catch(() => undefined);
  return { attempt, attemptToken: token };
}

/** Checks an attempt token; a token of an earlier attempt gets a 409 that says so. */
export async function requireAttempt({ buildId, attempt, token }: { buildId: string; attempt: number; token: string | undefined }) {
  const build = await getDb().build.findUnique({ where: { id: buildId } });
  if (!build) throw new AppError("NOT_FOUND", "No such build");
  if (attempt !== build.attempt || build.status !== "RUNNING") {
    throw new AppError(
      "CONFLICT",
      attempt !== build.attempt
        ? `Stale attempt: build ${buildId} is at attempt ${build.attempt}, this upload belongs to attempt ${attempt} and is refused`
        : `Build ${buildId} is ${build.status.toLowerCase()}: attempt ${attempt} can no longer change it`,
    );
  }
  if (!token || !build.attemptTokenHash || hashSecret(token) !== build.attemptTokenHash) {
    throw new AppError("UNAUTHORIZED", "This upload token is not valid for this build attempt");
  }
  return build;
}

export async function reportPhase({ buildId, attempt, token, event }: { buildId: string; attempt: number; token?: string; event: PhaseEvent }) {
  await requireAttempt({ buildId, attempt, token });
  await getDb().build.updateMany({ where: { id: buildId, attempt, status: "RUNNING" }, data: { phase: event.phase, progress: event.progress } });
  await appendPhase(getRedis(), buildId, event).catch(() => undefined);
}

export const artifactKindSchema = z.enum(["iso", "log"]).transform((k) => (k === "iso" ? "ISO" : "LOG") as "ISO" | "LOG");

/**
 * Streams an upload to storage, verifying the declared size and sha256 before anything becomes visible.
 * The attempt is checked again after the bytes arrived, so a build retried meanwhile refuses the late upload.
 */
export async function uploadArtifact(options: {
  buildId: string; attempt: number; token?: string; kind: "ISO" | "LOG"; body: Readable;
  sizeBytes: number; sha256: string; fileName: string;
}) {
  const { buildId, attempt, token, kind, body } = options;
  await requireAttempt({ buildId, attempt, token });
  if (!/^[0-9a-f]{64}$/i.test(options.sha256)) throw new AppError("BAD_REQUEST", "Declare the sha256 as 64 hex digits in X-Content-SHA256");
  const storage = getArtifactStorage();
  const storageKey = storageKeyFor({ buildId, attempt, kind });
  const stored = await storage.put(storageKey, body, { sizeBytes: options.sizeBytes, sha256: options.sha256 });
  try {
    await requireAttempt({ buildId, attempt, token });
    const data = { kind, fileName: options.fileName, sizeBytes: BigInt(stored.sizeBytes), sha256: stored.sha256, storageKey };
    return await getDb().artifact.upsert({ where: { buildId_kind: { buildId, kind } }, create: { buildId, ...data }, update: data });
  } catch (error) {
    await storage.delete(storageKey);
    throw error;
  }
}

/** The host's report of success. The build succeeds only if the uploaded ISO matches what the host built. */
export async function completeBuild({ buildId, attempt, token, result }: { buildId: string; attempt: number; token?: string; result: { sha256: string; isoSizeBytes: number } & Record<string, unknown> }) {
  await requireAttempt({ buildId, attempt, token });
  const db = getDb();
  const iso = await db.artifact.findUnique({ where: { buildId_kind: { buildId, kind: "ISO" } } });
  if (!iso || iso.storageKey !== storageKeyFor({ buildId, attempt, kind: "ISO" })) {
    throw new AppError("CONFLICT", "Upload the ISO of this attempt before reporting success");
  }
  if (iso.sha256 !== result.sha256 || Number(iso.sizeBytes) !== result.isoSizeBytes) {
    throw new AppError("BAD_REQUEST", `The uploaded ISO (${iso.sha256}, ${iso.sizeBytes} bytes) is not the one built (${result.sha256}, ${result.isoSizeBytes} bytes)`);
  }
  const updated = await db.build.updateMany({
    where: { id: buildId, attempt, status: "RUNNING" },
    data: { status: "SUCCEEDED", phase: "done", progress: 1, finishedAt: new Date(), result: result as object, attemptTokenHash: null },
  });
  if (updated.count === 0) throw new AppError("CONFLICT", "This build changed meanwhile; the result is refused");
  await appendEnd(getRedis(), buildId, "SUCCEEDED").catch(() => undefined);
  const build = await db.build.findUniqueOrThrow({ where: { id: buildId }, include: { revision: true } });
  await applyRetention({ profileId: build.revision.profileId }).catch((error) => console.warn(`retention: ${(error as Error).message}`));
  return build;
}

/** The host's report of failure: one sentence naming the failing step, and the last lines of its log. */
export async function failBuild({ buildId, attempt, token, failure }: { buildId: string; attempt: number; token?: string; failure: z.infer<typeof failBuildSchema> }) {
  await requireAttempt({ buildId, attempt, token });
  const reason = describeFailure(failure.step, failure.message);
  const updated = await getDb().build.updateMany({
    where: { id: buildId, attempt, status: "RUNNING" },
    data: { status: "FAILED", finishedAt: new Date(), failureReason: reason, result: { failure: { step: failure.step, tail: failure.tail } }, attemptTokenHash: null },
  });
  if (updated.count === 0) throw new AppError("CONFLICT", "This build changed meanwhile; the failure report is refused");
  await appendEnd(getRedis(), buildId, "FAILED", reason).catch(() => undefined);
}

export function describeFailure(step: string, message: string): string {
  const firstLine = message.split("\n").find((l) => l.trim())?.trim() ?? "no message";
  return `The ${step} step failed: ${firstLine.replace(/\.$/, "")}.`;
}
