import type { Actor } from "./auth/actor";
import { getDb } from "./db";
import { getEnv } from "./env";
import { AppError } from "./errors";
import { hostOfflineAfterMs } from "./hosts";
import { ownedBuild } from "./ownership";
import { getRedis } from "./redis";
import { appendEnd, appendIn, appendOut, offersKey, pollingKey } from "./testdrive/relay";
import { formatTestDriveLimit, TESTDRIVE_MEMORY_MB, type TestDriveFirmware, type TestDriveView } from "@/contracts/testdrive";

/**
 * Test-drive sessions: a person boots one of their built ISOs in QEMU on a build host of its arch (never here: the
 * app only relays, lib/testdrive/console.ts and lib/testdrive/host.ts). The limits live here: one session per person
 * at a time, TESTDRIVE_LIMIT_SECONDS (extendable once by as much), 512 MB, and per host at most
 * TESTDRIVE_SESSIONS_PER_HOST sessions, each taking one of its build slots.
 */
export type TestDriveRow = {
  id: string;
  userId: string;
  buildId: string;
  hostId: string | null;
  firmware: string;
  status: "PENDING" | "STARTING" | "RUNNING" | "ENDED";
  limitSeconds: number;
  isExtended: boolean;
  expiresAt: Date;
  endReason: string | null;
  createdAt: Date;
  startedAt: Date | null;
};

/** A session no host took, or whose host took it and never started QEMU, ends after this. */
export const START_TIMEOUT_MS = 90_000;
const ACTIVE = { not: "ENDED" } as const;

export function testDriveLimits() {
  const env = getEnv();
  return { limitSeconds: env.TESTDRIVE_LIMIT_SECONDS, sessionsPerHost: env.TESTDRIVE_SESSIONS_PER_HOST, memoryMb: TESTDRIVE_MEMORY_MB };
}

/**
 * Starts a test-drive on a host with a free slot: of one of the actor's succeeded builds, or of a shared one whose
 * owner lets people holding its link try it (`shareToken`).
 */
export async function createTestDrive({
  actor,
  buildId,
  shareToken,
  firmware,
}: {
  actor: Actor;
  buildId?: string;
  shareToken?: string;
  firmware: TestDriveFirmware;
}): Promise<TestDriveView> {
  const db = getDb();
  if (!buildId && !shareToken) throw new AppError("BAD_REQUEST", "Name the build to try, or its share link");
  const build = await db.build.findFirst({
    where: shareToken ? { shareToken, testDriveOnShare: true } : { id: buildId, ...ownedBuild(actor) },
    select: {
      id: true,
      arch: true,
      status: true,
      revision: { select: { selection: true } },
      artifacts: { where: { kind: "ISO" }, select: { id: true } },
      reusedFrom: { select: { artifacts: { where: { kind: "ISO" }, select: { id: true } } } },
    },
  });
  if (!build) throw new AppError("NOT_FOUND", "No such build");
  if (build.status !== "SUCCEEDED" || (build.artifacts.length === 0 && !build.reusedFrom?.artifacts.length)) {
    throw new AppError("CONFLICT", "Only a succeeded build with its ISO can be tried: wait for the build to finish, or retry it");
  }
  const bootloader = (build.revision.selection as { roles?: Record<string, string> }).roles?.bootloader;
  if (firmware === "uefi" && bootloader !== "grub") {
    throw new AppError("BAD_REQUEST", "This ISO boots with ISOLINUX, which starts on BIOS only: pick BIOS", { firmware: "ISOLINUX is BIOS only" });
  }
  await endOverdueTestDrives({ where: { userId: actor.id } });
  const limits = testDriveLimits();
  const session = await db.$transaction(async (tx) => {
    // One lock for every hand-out: two people cannot take a host's last slot, one person cannot start two sessions.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(7270017, 0)`;
    const running = await tx.testDriveSession.findFirst({ where: { userId: actor.id, status: ACTIVE }, select: { id: true, buildId: true } });
    if (running) {
      throw new AppError("CONFLICT", "You have a test-drive running already (one at a time): end it, then try this one", {
        sessionId: running.id,
        buildId: running.buildId,
      });
    }
    const hosts = await tx.buildHost.findMany({
      where: { arch: build.arch, revokedAt: null, lastHeartbeatAt: { gte: new Date(Date.now() - hostOfflineAfterMs()) } },
      select: {
        id: true,
        capacity: true,
        _count: { select: { builds: { where: { status: "RUNNING" } }, testDrives: { where: { status: ACTIVE } } } },
      },
    });
    if (hosts.length === 0) throw new AppError("UNAVAILABLE", `No build host for ${build.arch} is online: a test-drive runs on one. Try again when one is`);
    // Only hosts that poll for test-drives now (lib/testdrive/host.ts marks each poll).
    const polling = await getRedis().mget(...hosts.map((h) => pollingKey(h.id)));
    const taking = hosts.filter((_, i) => polling[i] !== null);
    if (taking.length === 0) {
      throw new AppError(
        "UNAVAILABLE",
        `No online ${build.arch} build host is taking test-drives right now (its worker is stopped, or older than test-drives): try again in a minute, or restart the worker`,
        { retryAfterSeconds: 30 },
      );
    }
    const free = taking
      .map((h) => ({ id: h.id, sessions: h._count.testDrives, slots: h.capacity - h._count.builds - h._count.testDrives }))
      .filter((h) => h.sessions < limits.sessionsPerHost && h.slots > 0)
      .sort((a, b) => b.slots - a.slots)[0];
    if (!free) {
      throw new AppError(
        "UNAVAILABLE",
        `Every ${build.arch} build host is busy (at most ${limits.sessionsPerHost} test-drives per host, each taking a build slot): try again when a build or a test-drive ends`,
        { retryAfterSeconds: 30 },
      );
    }
    return tx.testDriveSession.create({
      data: {
        userId: actor.id,
        buildId: build.id,
        hostId: free.id,
        firmware,
        limitSeconds: limits.limitSeconds,
        expiresAt: new Date(Date.now() + limits.limitSeconds * 1000),
      },
      omit: { tokenHash: true },
    });
  });
  // Wakes the host's long poll; a host that misses it finds the row at its next poll.
  await getRedis().multi().lpush(offersKey(session.hostId!), session.id).expire(offersKey(session.hostId!), 300).exec();
  return toView(session);
}

/** The owner lets signed-in people holding the build's share link test-drive it, or stops letting them. */
export async function setTestDriveOnShare({ actor, buildId, isAllowed }: { actor: Actor; buildId: string; isAllowed: boolean }) {
  const { count } = await getDb().build.updateMany({ where: { id: buildId, ...ownedBuild(actor) }, data: { testDriveOnShare: isAllowed } });
  if (count === 0) throw new AppError("NOT_FOUND", "No such build");
  return { isAllowed };
}

/** The actor's own session; anyone else's looks missing. */
export async function getTestDriveOrThrow({ actor, sessionId }: { actor: Actor; sessionId: string }): Promise<TestDriveRow> {
  const session = await getDb().testDriveSession.findFirst({ where: { id: sessionId, userId: actor.id }, omit: { tokenHash: true } });
  if (!session) throw new AppError("NOT_FOUND", "No such test-drive");
  return session;
}

export async function getTestDriveView({ actor, sessionId }: { actor: Actor; sessionId: string }): Promise<TestDriveView> {
  return toView(await getTestDriveOrThrow({ actor, sessionId }));
}

/** A session as the page sees it, for the app's own messages (no actor: never from a request). */
export async function getTestDriveViewById(sessionId: string): Promise<TestDriveView> {
  return toView(await getDb().testDriveSession.findUniqueOrThrow({ where: { id: sessionId }, omit: { tokenHash: true } }));
}

/** The actor's running session, if any (the build page offers to return to it). */
export async function findActiveTestDrive({ actor }: { actor: Actor }): Promise<TestDriveView | null> {
  await endOverdueTestDrives({ where: { userId: actor.id } });
  const session = await getDb().testDriveSession.findFirst({ where: { userId: actor.id, status: ACTIVE }, omit: { tokenHash: true } });
  return session ? toView(session) : null;
}

/** Adds the limit once more; a second extension is refused. */
export async function extendTestDrive({ actor, sessionId }: { actor: Actor; sessionId: string }): Promise<TestDriveView> {
  const session = await getTestDriveOrThrow({ actor, sessionId });
  if (session.status === "ENDED") throw new AppError("CONFLICT", "This test-drive has ended: start a new one");
  const { count } = await getDb().testDriveSession.updateMany({
    where: { id: session.id, isExtended: false, status: ACTIVE },
    data: { isExtended: true, expiresAt: new Date(session.expiresAt.getTime() + session.limitSeconds * 1000) },
  });
  if (count === 0) throw new AppError("CONFLICT", "A test-drive can be extended once, and this one was");
  const view = await getTestDriveView({ actor, sessionId });
  await appendOut(session.id, { type: "state", view: JSON.stringify(view) });
  await appendIn(session.id, { type: "lease" });
  return view;
}

/** Ends a session (idempotent): its streams say so, and the host stops QEMU at its next poll, which this wakes. */
export async function endTestDrive({ sessionId, reason }: { sessionId: string; reason: string }): Promise<boolean> {
  const { count } = await getDb().testDriveSession.updateMany({
    where: { id: sessionId, status: ACTIVE },
    data: { status: "ENDED", endedAt: new Date(), endReason: reason },
  });
  if (count > 0) await appendEnd(sessionId, reason);
  return count > 0;
}

export async function endTestDriveOfActor({ actor, sessionId, reason }: { actor: Actor; sessionId: string; reason: string }) {
  await getTestDriveOrThrow({ actor, sessionId });
  await endTestDrive({ sessionId, reason });
  return getTestDriveView({ actor, sessionId });
}

/** Why a session must end now (its time is up, or no host started it in time), or null. */
export function overdueReason(session: Pick<TestDriveRow, "status" | "expiresAt" | "createdAt" | "limitSeconds">, now = Date.now()): string | null {
  if (session.status === "ENDED") return null;
  if (now >= session.expiresAt.getTime()) return `The time limit (${formatTestDriveLimit(session.limitSeconds)}) was reached`;
  if (session.status !== "RUNNING" && now - session.createdAt.getTime() > START_TIMEOUT_MS) {
    return `No build host started the session within ${START_TIMEOUT_MS / 1000} s: try again`;
  }
  return null;
}

/** Ends the sessions matching `where` that are past their limit or never started. */
export async function endOverdueTestDrives({ where }: { where: { userId?: string; hostId?: string; id?: { in: string[] } } }): Promise<void> {
  const sessions = await getDb().testDriveSession.findMany({
    where: { ...where, status: ACTIVE },
    select: { id: true, status: true, expiresAt: true, createdAt: true, limitSeconds: true },
  });
  for (const session of sessions) {
    const reason = overdueReason(session);
    if (reason) await endTestDrive({ sessionId: session.id, reason });
  }
}

export async function toView(session: Omit<TestDriveRow, "userId">): Promise<TestDriveView> {
  const host = session.hostId ? await getDb().buildHost.findUnique({ where: { id: session.hostId }, select: { name: true } }) : null;
  return {
    id: session.id,
    buildId: session.buildId,
    status: session.status,
    firmware: session.firmware as TestDriveFirmware,
    hostName: host?.name ?? null,
    memoryMb: TESTDRIVE_MEMORY_MB,
    limitSeconds: session.limitSeconds,
    expiresAt: session.expiresAt.toISOString(),
    canExtend: !session.isExtended && session.status !== "ENDED",
    endReason: session.endReason,
  };
}
