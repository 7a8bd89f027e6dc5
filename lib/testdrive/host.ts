import type { Readable } from "node:stream";
import { hashSecret, newSecret } from "../auth/tokens";
import { getDb } from "../db";
import { AppError } from "../errors";
import type { BuildHostRow } from "../hosts";
import { getRedis, newBlockingRedis } from "../redis";
import { endOverdueTestDrives, endTestDrive, getTestDriveViewById, overdueReason, type TestDriveRow } from "../testdrive";
import { appendOut, inKey, offersKey, pollingKey, putScreen, readEntries } from "./relay";
import { buildResultSchema } from "@/contracts/build-result";
import { TESTDRIVE_MEMORY_MB, type TestDriveOffer, type testDriveStateSchema } from "@/contracts/testdrive";
import type { z } from "zod";

/** How long a host's poll for offers or keys waits before answering empty (it asks again at once). */
const POLL_MS = 15_000;
/** How long after its last poll began a host still counts as polling: one poll, and the time to ask again. */
const POLLING_GRACE_MS = 10_000;
const ACTIVE = { not: "ENDED" } as const;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A host's long poll for work: the sessions it reports running that it must stop, and at most one new offer for it
 * with a token valid for that session only. Waits up to 15 s for an offer when there is none.
 */
export async function takeTestDriveOffer({ host, running, signal }: { host: BuildHostRow; running: string[]; signal: AbortSignal }) {
  // A host is offered sessions while it polls: one that stopped (crashed, or a worker without test-drives) is not,
  // even while its heartbeat still counts it online.
  await getRedis().set(pollingKey(host.id), "1", "PX", POLL_MS + POLLING_GRACE_MS);
  const end = await sessionsToEnd(host, running);
  const offer = (await offerFor(host)) ?? (end.length ? null : await waitForOffer(host, signal));
  return { offer, end };
}

async function sessionsToEnd(host: BuildHostRow, running: string[]): Promise<string[]> {
  if (running.length === 0) return [];
  await endOverdueTestDrives({ where: { id: { in: running } } });
  const live = await getDb().testDriveSession.findMany({ where: { id: { in: running }, hostId: host.id, status: ACTIVE }, select: { id: true } });
  return running.filter((id) => !live.some((s) => s.id === id));
}

async function waitForOffer(host: BuildHostRow, signal: AbortSignal): Promise<TestDriveOffer | null> {
  const redis = newBlockingRedis();
  const onAbort = () => redis.disconnect();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    await redis.blpop(offersKey(host.id), POLL_MS / 1000);
  } catch {
    /* the host hung up, or Redis is away: the row decides */
  } finally {
    signal.removeEventListener("abort", onAbort);
    redis.disconnect();
  }
  return signal.aborted ? null : offerFor(host);
}

/** Hands the oldest session offered to this host to it: it moves to STARTING with a fresh session token. */
async function offerFor(host: BuildHostRow): Promise<TestDriveOffer | null> {
  const db = getDb();
  await endOverdueTestDrives({ where: { hostId: host.id } });
  for (;;) {
    const session = await db.testDriveSession.findFirst({
      where: { hostId: host.id, status: "PENDING" },
      orderBy: { createdAt: "asc" },
      select: {
        id: true,
        firmware: true,
        expiresAt: true,
        build: {
          select: { revision: { select: { selection: true } }, artifacts: true, reusedFrom: { select: { artifacts: true, result: true } }, result: true },
        },
      },
    });
    if (!session) return null;
    const token = newSecret("zxt");
    const { count } = await db.testDriveSession.updateMany({
      where: { id: session.id, status: "PENDING" },
      data: { status: "STARTING", tokenHash: hashSecret(token) },
    });
    if (count === 0) continue;
    const iso = session.build.artifacts.find((a) => a.kind === "ISO") ?? session.build.reusedFrom?.artifacts.find((a) => a.kind === "ISO");
    if (!iso) {
      await endTestDrive({ sessionId: session.id, reason: "The ISO of this build was deleted (retention keeps the last few per profile)" });
      continue;
    }
    const result = buildResultSchema.safeParse(session.build.reusedFrom?.result ?? session.build.result);
    const bootloader = (session.build.revision.selection as { roles?: Record<string, string> }).roles?.bootloader === "isolinux" ? "isolinux" : "grub";
    await publishState(session.id);
    return {
      sessionId: session.id,
      token,
      firmware: session.firmware as TestDriveOffer["firmware"],
      bootloader,
      memoryMb: TESTDRIVE_MEMORY_MB,
      endsInMs: Math.max(0, session.expiresAt.getTime() - Date.now()),
      iso: { sha256: iso.sha256, sizeBytes: Number(iso.sizeBytes), storePath: result.success ? result.data.isoPath : null },
    };
  }
}

/** The session a session token belongs to; any other token, or another session's, is a 401. */
export async function requireTestDriveSession({ sessionId, token }: { sessionId: string; token: string | undefined }): Promise<TestDriveRow> {
  const session = token
    ? await getDb().testDriveSession.findFirst({ where: { id: sessionId, tokenHash: hashSecret(token) }, omit: { tokenHash: true } })
    : null;
  if (!session) throw new AppError("UNAUTHORIZED", "This test-drive token is not valid for this session");
  return session;
}

/** Whether the session is over (ending it when its time is up), and how long it has left. */
async function leaseOf(session: TestDriveRow): Promise<{ ended: boolean; endsInMs: number }> {
  const fresh = await getDb().testDriveSession.findUniqueOrThrow({ where: { id: session.id }, omit: { tokenHash: true } });
  const overdue = overdueReason(fresh);
  if (overdue) await endTestDrive({ sessionId: session.id, reason: overdue });
  return { ended: fresh.status === "ENDED" || Boolean(overdue), endsInMs: Math.max(0, fresh.expiresAt.getTime() - Date.now()) };
}

/** Console bytes from the host, for the page's SSE reader. Refused once the session ended: the host stops then. */
export async function recordTestDriveOutput({ session, data }: { session: TestDriveRow; data: string }) {
  const lease = await leaseOf(session);
  if (!lease.ended && data) await appendOut(session.id, { type: "out", data });
  return lease;
}

/** A picture of the session's screen (PNG, checked by its signature), for the page. */
export async function recordTestDriveScreen({ session, png }: { session: TestDriveRow; png: string }) {
  const lease = await leaseOf(session);
  const bytes = Buffer.from(png, "base64");
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new AppError("BAD_REQUEST", "The screen must be a PNG image");
  if (!lease.ended) await putScreen(session.id, bytes);
  return lease;
}

/** The host's long poll for keys typed after `after` (and for the end, which wakes it at once). */
export async function pollTestDriveInput({ session, after, signal }: { session: TestDriveRow; after: string; signal: AbortSignal }) {
  const lease = await leaseOf(session);
  if (lease.ended) return { keys: "", after, ...lease };
  const redis = newBlockingRedis();
  const onAbort = () => redis.disconnect();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const entries = await readEntries(redis, inKey(session.id), after, POLL_MS).catch(() => []);
    const keys = Buffer.concat(entries.filter((e) => e.fields.type === "keys").map((e) => Buffer.from(e.fields.data ?? "", "base64")));
    const ended = entries.some((e) => e.fields.type === "end");
    const next = await leaseOf(session);
    return { keys: keys.toString("base64"), after: entries.at(-1)?.id ?? after, ended: ended || next.ended, endsInMs: next.endsInMs };
  } finally {
    signal.removeEventListener("abort", onAbort);
    redis.disconnect();
  }
}

/** The host says QEMU runs, or that the session ended on its side (QEMU exited, no ISO, the host stops). */
export async function reportTestDriveState({ session, input }: { session: TestDriveRow; input: z.infer<typeof testDriveStateSchema> }) {
  if (input.state === "ended") {
    await endTestDrive({ sessionId: session.id, reason: `On the build host: ${input.reason}` });
    return { ended: true, endsInMs: 0 };
  }
  const { count } = await getDb().testDriveSession.updateMany({
    where: { id: session.id, status: "STARTING" },
    data: { status: "RUNNING", startedAt: new Date() },
  });
  if (count > 0) await publishState(session.id);
  return leaseOf(session);
}

/** The session's ISO, for a host that no longer has it in its own store. */
export async function openTestDriveIso({ session }: { session: TestDriveRow }): Promise<{ stream: Readable; sizeBytes: number }> {
  if (session.status === "ENDED") throw new AppError("CONFLICT", "This test-drive has ended");
  const build = await getDb().build.findUniqueOrThrow({
    where: { id: session.buildId },
    select: { artifacts: true, reusedFrom: { select: { artifacts: true } } },
  });
  const iso = build.artifacts.find((a) => a.kind === "ISO") ?? build.reusedFrom?.artifacts.find((a) => a.kind === "ISO");
  if (!iso) throw new AppError("NOT_FOUND", "The ISO of this build was deleted");
  const { getArtifactStorage } = await import("../artifacts/storage");
  return { stream: await getArtifactStorage().get(iso.storageKey), sizeBytes: Number(iso.sizeBytes) };
}

async function publishState(sessionId: string): Promise<void> {
  await appendOut(sessionId, { type: "state", view: JSON.stringify(await getTestDriveViewById(sessionId)) });
}
