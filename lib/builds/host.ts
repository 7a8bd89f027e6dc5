import type { z } from "zod";
import { hashSecret } from "../auth/tokens";
import { getDb, queryRows } from "../db";
import { AppError } from "../errors";
import { getRedis } from "../redis";
import { appendLogLines, appendPhase } from "../log-stream";
import { getArtifactStorage, storageKeyFor } from "../artifacts/storage";
import { applyRetention } from "../artifacts/retention";
import { recordMeasuredSizes } from "../catalog";
import { checkResult } from "./result-check";
import { endAttempt, recordPhase } from "./state";
import type { failBuildSchema, PhaseEvent } from "@/contracts/jobs";
import { Prisma, type Build } from "@/generated/prisma/client";

declare const verified: unique symbol;
/** A build row whose running attempt a request's token was checked for (by `requireAttempt`, nothing else makes one). */
export type VerifiedAttemptBuild = Build & { readonly [verified]: true };

/**
 * What a build host may say about the attempt it claimed. Every call carries that attempt's token, so a host speaks
 * only for its own attempt: a token of another build or attempt is refused (401), and an attempt the build moved
 * past (cancelled, retried, taken over) is refused (409), which is how a running host learns to stop.
 */
export async function requireAttempt({
  buildId,
  attempt,
  token,
}: {
  buildId: string;
  attempt: number;
  token: string | undefined;
}): Promise<VerifiedAttemptBuild> {
  // Every log line and phase of every running build comes through here: one SQL query, not two Prisma ones (whose
  // query compiler cost more than the queries; see docs/benchmarks.md).
  const [row] = token
    ? await queryRows<Build & { attemptNumber: number; attemptStatus: string }>(Prisma.sql`
        SELECT b.*, a.number AS "attemptNumber", a.status::text AS "attemptStatus"
        FROM "BuildAttempt" a JOIN "Build" b ON b.id = a."buildId"
        WHERE a."tokenHash" = ${hashSecret(token)}`)
    : [];
  if (!row || row.id !== buildId || row.attemptNumber !== attempt) {
    throw new AppError("UNAUTHORIZED", "This attempt token is not valid for this build attempt: a host speaks only for the attempt it claimed");
  }
  const { attemptNumber: _, attemptStatus, ...build } = row;
  if (attempt !== build.attempt || build.status !== "RUNNING" || (attemptStatus !== "CLAIMED" && attemptStatus !== "RUNNING")) {
    throw new AppError(
      "CONFLICT",
      attempt !== build.attempt
        ? `Stale attempt: build ${buildId} is at attempt ${build.attempt}, this upload belongs to attempt ${attempt} and is refused`
        : `Build ${buildId} is ${build.status.toLowerCase()}: attempt ${attempt} can no longer change it`,
    );
  }
  return build as VerifiedAttemptBuild;
}

/** A phase of a running attempt (its token checked by `withAttempt`): stored on the build and shown live. */
export async function reportPhase({ build, event }: { build: VerifiedAttemptBuild; event: PhaseEvent }) {
  await recordPhase({ buildId: build.id, attempt: build.attempt, phase: event.phase, progress: event.progress });
  await appendPhase(getRedis(), build.id, event);
}

/** Log lines of a running attempt (checked by `withAttempt`), for its live log. */
export async function appendAttemptLog({ build, lines }: { build: VerifiedAttemptBuild; lines: string[] }) {
  await appendLogLines(getRedis(), build.id, lines);
  return { appended: lines.length };
}

/**
 * The host's report of success. The result is parsed and checked against the build (lib/builds/result-check.ts);
 * a result that does not match is refused (422), recorded, and the attempt fails: nothing is published.
 */
export async function completeBuild({ buildId, attempt, token, result }: { buildId: string; attempt: number; token?: string; result: unknown }) {
  const build = await requireAttempt({ buildId, attempt, token });
  const db = getDb();
  const iso = await db.artifact.findUnique({ where: { buildId_kind: { buildId, kind: "ISO" } } });
  if (!iso || iso.storageKey !== storageKeyFor({ buildId, attempt, kind: "ISO" })) {
    throw new AppError("CONFLICT", "Upload the ISO of this attempt before reporting success");
  }
  const selection = (await db.profileRevision.findUniqueOrThrow({ where: { id: build.revisionId }, select: { selection: true } })).selection;
  const checked = checkResult({ result, build, selection, iso: { sha256: iso.sha256, sizeBytes: Number(iso.sizeBytes) } });
  if (!checked.ok) {
    const reason = `The result of attempt ${attempt} was refused: ${checked.problems.join("; ")}.`;
    await refuseResult({ buildId, attempt, reason, isoId: iso.id, storageKey: iso.storageKey });
    throw new AppError("UNPROCESSABLE", reason, { problems: checked.problems });
  }
  if (!(await endAttempt({ buildId, attempt, status: "SUCCEEDED", result: checked.result }))) {
    throw new AppError("CONFLICT", "This build changed meanwhile; the result is refused");
  }
  if (checked.result.version === 2) {
    await recordMeasuredSizes({ channel: build.channel, channelRevision: build.channelRevision, sizes: checked.result.sizes }).catch((error) =>
      console.warn(`measured sizes: ${(error as Error).message}`),
    );
  }
  const done = await db.build.findUniqueOrThrow({ where: { id: buildId }, include: { revision: true } });
  await applyRetention({ profileId: done.revision.profileId }).catch((error) => console.warn(`retention: ${(error as Error).message}`));
  return done;
}

/** Records a refused result on the attempt and the build's refusals, fails the attempt and drops its ISO. */
async function refuseResult({
  buildId,
  attempt,
  reason,
  isoId,
  storageKey,
}: {
  buildId: string;
  attempt: number;
  reason: string;
  isoId: string;
  storageKey: string;
}) {
  const db = getDb();
  const row = await db.buildAttempt.findUnique({ where: { buildId_number: { buildId, number: attempt } }, include: { host: { select: { name: true } } } });
  await db.buildRefusal.create({ data: { buildId, attempt, hostName: row?.host?.name ?? "unknown host", reason } });
  await endAttempt({ buildId, attempt, status: "FAILED", reason });
  await db.artifact.deleteMany({ where: { id: isoId } });
  await getArtifactStorage()
    .delete(storageKey)
    .catch(() => undefined);
}

/** The host's report of failure: one sentence naming the failing step, and the last lines of its log. */
export async function failBuild({
  buildId,
  attempt,
  token,
  failure,
}: {
  buildId: string;
  attempt: number;
  token?: string;
  failure: z.infer<typeof failBuildSchema>;
}) {
  await requireAttempt({ buildId, attempt, token });
  const reason = describeFailure(failure.step, failure.message);
  const failed = await endAttempt({ buildId, attempt, status: "FAILED", reason, result: { failure: { step: failure.step, tail: failure.tail } } });
  if (!failed) throw new AppError("CONFLICT", "This build changed meanwhile; the failure report is refused");
}

export function describeFailure(step: string, message: string): string {
  const firstLine =
    message
      .split("\n")
      .find((l) => l.trim())
      ?.trim() ?? "no message";
  return `The ${step} step failed: ${firstLine.replace(/\.$/, "")}.`;
}
