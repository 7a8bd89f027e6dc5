import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import type { Actor } from "./auth/actor";
import { isAdmin } from "./auth/actor";
import { hashSecret, newSecret } from "./auth/tokens";
import { getDb, queryRows } from "./db";
import { AppError } from "./errors";
import { getEnv } from "./env";
import { getQueueDepth } from "./queue";
import { deleteHostRedisUser, hostRedisUrl, setHostRedisUser } from "./redis-acl";
import { startNextAttempt } from "./builds/state";
import { archSchema, type heartbeatSchema, type registerHostSchema } from "@/contracts/jobs";

/** A host that has not sent a heartbeat for this long is shown offline; its builds may be claimed by another host. */
export function hostOfflineAfterMs(): number {
  return getEnv().HOST_OFFLINE_AFTER_MS;
}

export type BuildHostRow = { id: string; name: string; arch: string; capacity: number };

const createHostTokenSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Name the host")
    .max(100)
    .regex(/^[A-Za-z0-9._-]+$/, "Use letters, digits, . _ - only"),
  arch: archSchema,
});

/** Creates a host and its token (shown once; only its sha256 is stored). Hosts are shared: admins only. */
export async function createHostToken({ actor, name, arch }: { actor: Actor; name: string; arch: string }) {
  if (!isAdmin(actor)) throw new AppError("FORBIDDEN", "Only the dashboard's admin can add build hosts");
  const input = createHostTokenSchema.parse({ name, arch });
  const token = newSecret("zxh");
  const db = getDb();
  if (await db.buildHost.findUnique({ where: { name: input.name } })) {
    throw new AppError("CONFLICT", `A host named "${input.name}" exists already: pick another name`, { name: "Already taken" });
  }
  const host = await db.buildHost.create({ data: { name: input.name, arch: input.arch, tokenHash: hashSecret(token) }, omit: { tokenHash: true } });
  // The host's own Redis user (its arch's queue only); without it the host could not take jobs.
  await setHostRedisUser({ hostId: host.id, arch: host.arch, tokenHash: hashSecret(token) }).catch(async (error) => {
    await db.buildHost.delete({ where: { id: host.id } });
    throw error;
  });
  return { host, token, redisUrl: hostRedisUrl({ hostId: host.id, token }) };
}

/**
 * For the start script's local worker: makes sure a host of this name exists and returns a fresh token for it
 * (the previous one stops working).
 */
export async function ensureLocalBuildHost({ name, arch }: { name: string; arch: string }): Promise<string> {
  const token = newSecret("zxh");
  const host = await getDb().buildHost.upsert({
    where: { name },
    create: { name, arch: archSchema.parse(arch), tokenHash: hashSecret(token) },
    update: { tokenHash: hashSecret(token), revokedAt: null },
  });
  await setHostRedisUser({ hostId: host.id, arch: host.arch, tokenHash: host.tokenHash });
  return token;
}

/** The host a token belongs to; a revoked token is refused with a message saying so (401). */
export async function authenticateHost(token: string | undefined): Promise<BuildHostRow | null> {
  if (!token) return null;
  // Every host call comes through here (a heartbeat a few times a minute per host, each claim): plain SQL (lib/db.ts).
  const [host] = await queryRows<BuildHostRow & { revokedAt: Date | null }>(
    Prisma.sql`SELECT id, name, arch, capacity, "revokedAt" FROM "BuildHost" WHERE "tokenHash" = ${hashSecret(token)}`,
  );
  if (!host) return null;
  if (host.revokedAt) {
    throw new AppError(
      "UNAUTHORIZED",
      `The token of build host ${host.name} was revoked on ${host.revokedAt.toISOString()}: this host may no longer build. To build on this machine again, create a token for a new host on the Build hosts page`,
    );
  }
  return { id: host.id, name: host.name, arch: host.arch, capacity: host.capacity };
}

/**
 * A worker says what it is when it starts. The token decides which host row that is, and the host keeps the name
 * and architecture it was created with: a worker that claims another name or arch is refused.
 */
export async function registerHost({ host, input }: { host: BuildHostRow; input: z.infer<typeof registerHostSchema> }) {
  if (input.name !== host.name || input.arch !== host.arch) {
    throw new AppError(
      "CONFLICT",
      `This token belongs to build host "${host.name}" (${host.arch}); it cannot register as "${input.name}" (${input.arch}). ` +
        `Set ZXCV_HOST_NAME=${host.name} ZXCV_HOST_ARCH=${host.arch}, or create a token for a new host on the Build hosts page`,
    );
  }
  return getDb().buildHost.update({
    where: { id: host.id },
    data: { capacity: input.capacity, nixVersion: input.nixVersion, lastHeartbeatAt: new Date() },
    select: { id: true, name: true, arch: true, capacity: true },
  });
}

/**
 * Revokes a host's token (admins): every later request of the host answers 401 and its worker stops; the builds it
 * was running are queued again as their next attempt, for another host.
 */
export async function revokeHost({ actor, hostId }: { actor: Actor; hostId: string }) {
  if (!isAdmin(actor)) throw new AppError("FORBIDDEN", "Only the dashboard's admin can revoke build hosts");
  const db = getDb();
  const host = await db.buildHost.findUnique({ where: { id: hostId }, omit: { tokenHash: true } });
  if (!host) throw new AppError("NOT_FOUND", "No such build host");
  if (host.revokedAt) return host;
  const revoked = await db.buildHost.update({ where: { id: hostId }, data: { revokedAt: new Date() }, omit: { tokenHash: true } });
  const running = await db.build.findMany({ where: { hostId, status: "RUNNING" }, select: { id: true, attempt: true } });
  for (const build of running) {
    await startNextAttempt({
      buildId: build.id,
      from: { status: "RUNNING", attempt: build.attempt },
      reason: `The token of build host ${host.name} was revoked by ${actor.name} during attempt ${build.attempt}.`,
    }).catch(() => undefined);
  }
  // Its Redis user goes too: the queue refuses it at its next command.
  await deleteHostRedisUser({ hostId });
  return revoked;
}

/**
 * Records a heartbeat and answers with the builds the host should stop: cancelled, or moved to a newer attempt or
 * another host. A build the app has running on this host that the host no longer reports (its worker restarted)
 * for longer than the offline threshold is queued again as its next attempt.
 */
export async function recordHeartbeat({ host, input }: { host: BuildHostRow; input: z.infer<typeof heartbeatSchema> }) {
  const db = getDb();
  await db.buildHost.update({ where: { id: host.id }, data: { lastHeartbeatAt: new Date() } });
  const ids = input.running.map((r) => r.buildId);
  const builds = ids.length ? await db.build.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, attempt: true, hostId: true } }) : [];
  const stop = input.running
    .filter((r) => {
      const build = builds.find((b) => b.id === r.buildId);
      return !build || build.status !== "RUNNING" || build.attempt !== r.attempt || build.hostId !== host.id;
    })
    .map((r) => r.buildId);
  const forgotten = await db.build.findMany({
    where: { hostId: host.id, status: "RUNNING", id: { notIn: ids }, startedAt: { lt: new Date(Date.now() - hostOfflineAfterMs()) } },
    select: { id: true, attempt: true },
  });
  for (const build of forgotten) {
    const reason = `The build host ${host.name} stopped reporting attempt ${build.attempt} (its worker restarted) while it stayed online.`;
    await startNextAttempt({ buildId: build.id, from: { status: "RUNNING", attempt: build.attempt }, reason }).catch(() => undefined);
  }
  return { stop };
}

export function isHostOnline(host: { lastHeartbeatAt: Date | null }, now = Date.now()): boolean {
  return Boolean(host.lastHeartbeatAt && now - host.lastHeartbeatAt.getTime() < hostOfflineAfterMs());
}

/** Every host with whether it is online and what it builds now, plus queue depth per architecture. */
export async function listHosts({ actor }: { actor: Actor }) {
  const db = getDb();
  const hosts = await db.buildHost.findMany({
    orderBy: { name: "asc" },
    omit: { tokenHash: true },
    include: { builds: { where: { status: "RUNNING" }, select: { id: true, requestedById: true, phase: true, progress: true, startedAt: true } } },
  });
  const arches = [...new Set([...hosts.map((h) => h.arch), "x86_64"])];
  const depth: Record<string, { waiting: number; active: number } | null> = {};
  for (const arch of arches) depth[arch] = await getQueueDepth(arch).catch(() => null);
  const now = Date.now();
  return {
    canManage: isAdmin(actor),
    queues: arches.map((arch) => ({ arch, depth: depth[arch] })),
    hosts: hosts.map((host) => ({
      ...host,
      isOnline: isHostOnline(host, now),
      // Someone else's build shows as busy, without a link.
      builds: host.builds.map((b) => ({ ...b, isMine: b.requestedById === actor.id })),
    })),
  };
}

/**
 * Why a queued build has no one to build it: no host of its arch is online (a heartbeat within HOST_OFFLINE_AFTER_MS); null when one
 * is, or when the build is not queued. The build stays queued and starts when such a host connects.
 */
export async function findNoHostReason({ build }: { build: { status: string; arch: string } }): Promise<string | null> {
  if (build.status !== "QUEUED") return null;
  // Plain SQL (lib/db.ts): a Build click's page asks this while its build is queued.
  const [online] = await queryRows<{ id: string }>(Prisma.sql`
    SELECT id FROM "BuildHost"
    WHERE arch = ${build.arch} AND "revokedAt" IS NULL AND "lastHeartbeatAt" >= ${new Date(Date.now() - hostOfflineAfterMs())}
    LIMIT 1`);
  if (online) return null;
  return `No build host for ${build.arch} is online: the build waits in the queue and starts when one connects (on an ${build.arch} machine, run \`npm run worker\` with ZXCV_HOST_ARCH=${build.arch}; see Build hosts)`;
}

/**
 * A host that leaves (a CI runner at the end of its job) says so: it shows offline at once, and whatever it still
 * held is retried on another host by the reconciler, as for a host that stopped sending heartbeats.
 */
export async function deregisterHost({ host }: { host: BuildHostRow }): Promise<{ ok: true }> {
  await getDb().buildHost.update({ where: { id: host.id }, data: { lastHeartbeatAt: null } });
  return { ok: true };
}
