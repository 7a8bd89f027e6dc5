import { hashSecret, newSecret } from "../auth/tokens";
import { getDb, queryRows } from "../db";
import { AppError } from "../errors";
import { getRedis } from "../redis";
import { appendPhase } from "../log-stream";
import { hostOfflineAfterMs, isHostOnline, type BuildHostRow } from "../hosts";
import { beginAttempt, endAttempt, MAX_ATTEMPTS, startNextAttempt } from "./state";
import { claimBuildResponseSchema, type ClaimedBuild } from "@/contracts/jobs";
import { Prisma } from "@/generated/prisma/client";

/**
 * A host asks for the build a job named. Granted only for a build QUEUED for the host's arch at the attempt the
 * job names, or RUNNING on a host that went offline (no heartbeat for the Hosts page's offline threshold): that
 * host's attempt is lost and this host takes the next one. A build running on a live host is refused (409, with
 * when to ask again) and the refusal recorded. The answer carries everything the host builds: Redis is not trusted.
 */
export async function claimBuild({ host, buildId, attempt: jobAttempt }: { host: BuildHostRow; buildId: string; attempt: number }): Promise<ClaimedBuild> {
  // Plain SQL (lib/db.ts): a Build click's first log line waits on this claim.
  const [row] = await queryRows<ClaimRow>(Prisma.sql`
    SELECT b.id, b.status::text AS status, b.attempt, b.arch, b.channel, b."channelRevision", r.selection,
      h.name AS "hostName", h."lastHeartbeatAt" AS "hostLastHeartbeatAt", h."revokedAt" AS "hostRevokedAt"
    FROM "Build" b JOIN "ProfileRevision" r ON r.id = b."revisionId" LEFT JOIN "BuildHost" h ON h.id = b."hostId"
    WHERE b.id = ${buildId}`);
  if (!row) throw new AppError("NOT_FOUND", "No such build");
  const { hostName, hostLastHeartbeatAt, hostRevokedAt, ...build } = row;
  const buildHost = hostName === null ? null : { name: hostName, lastHeartbeatAt: hostLastHeartbeatAt, revokedAt: hostRevokedAt };
  if (build.arch !== host.arch)
    await refuseClaim({ buildId, attempt: jobAttempt, host, reason: `Build ${buildId} is for ${build.arch}; host ${host.name} builds ${host.arch}` });
  let attempt = build.attempt;
  if (build.status === "QUEUED") {
    if (jobAttempt !== build.attempt) {
      throw new AppError("CONFLICT", `Stale job: build ${buildId} is queued as attempt ${build.attempt}, the job names attempt ${jobAttempt}`);
    }
  } else if (build.status === "RUNNING") {
    if (buildHost && isHostOnline(buildHost) && !buildHost.revokedAt) {
      const heartbeatAgeMs = Date.now() - buildHost.lastHeartbeatAt!.getTime();
      const retryAfterSeconds = Math.max(1, Math.ceil((hostOfflineAfterMs() - heartbeatAgeMs) / 1000));
      await refuseClaim({
        buildId,
        attempt: jobAttempt,
        host,
        retryAfterSeconds,
        reason: `Build ${buildId} is running on host ${buildHost.name} (attempt ${build.attempt}, last heartbeat ${Math.round(heartbeatAgeMs / 1000)} s ago); host ${host.name} may not take it while that host is online`,
      });
    }
    const lostOn = buildHost?.name ?? "its host";
    if (build.attempt >= MAX_ATTEMPTS) {
      // Re-delivered again and again: each host that took it died. Stop instead of killing more hosts.
      const reason = `The build was lost with its host ${build.attempt} times (the last one, ${lostOn}, stopped during attempt ${build.attempt}); it was not retried again.`;
      await endAttempt({ buildId, attempt: build.attempt, status: "FAILED", reason });
      throw new AppError("CONFLICT", reason);
    }
    attempt = await startNextAttempt({
      buildId,
      from: { status: "RUNNING", attempt: build.attempt },
      enqueue: false,
      reason: `The build host ${lostOn} went offline during attempt ${build.attempt}; host ${host.name} took the build over.`,
    });
  } else {
    throw new AppError("CONFLICT", `Build ${buildId} is ${build.status.toLowerCase()}: there is nothing to build`);
  }
  const token = newSecret("zxa");
  await beginAttempt({ buildId, attempt, hostId: host.id, tokenHash: hashSecret(token) });
  await appendPhase(getRedis(), buildId, { phase: "preparing", progress: 0, detail: `attempt ${attempt} on ${host.name}` }).catch(() => undefined);
  return claimBuildResponseSchema.parse({
    attempt,
    attemptToken: token,
    build: { id: build.id, selection: build.selection, channel: build.channel, channelRevision: build.channelRevision, arch: build.arch },
  });
}

/** What a claim reads of a build: its state, what to build, and the host it runs on (if any). */
type ClaimRow = {
  id: string;
  status: string;
  attempt: number;
  arch: string;
  channel: string;
  channelRevision: string;
  selection: unknown;
  hostName: string | null;
  hostLastHeartbeatAt: Date | null;
  hostRevokedAt: Date | null;
};

/** Records a refused claim (the build page lists it under its attempt) and refuses it with a 409. */
async function refuseClaim(options: { buildId: string; attempt: number; host: BuildHostRow; reason: string; retryAfterSeconds?: number }): Promise<never> {
  await getDb().buildRefusal.create({
    data: { buildId: options.buildId, attempt: options.attempt, hostName: options.host.name, reason: `Claim refused: ${options.reason}.` },
  });
  throw new AppError("CONFLICT", options.reason, options.retryAfterSeconds ? { retryAfterSeconds: options.retryAfterSeconds } : undefined);
}
