import { z } from "zod";
import type { Actor } from "./auth/actor";
import { isAdmin } from "./auth/actor";
import { hashSecret, newSecret } from "./auth/tokens";
import { getDb } from "./db";
import { AppError } from "./errors";
import { getQueueDepth } from "./queue";
import { hostRedisUrl, setHostRedisUser } from "./redis-acl";
import { archSchema, type heartbeatSchema, type registerHostSchema } from "@/contracts/jobs";

/** A host that has not sent a heartbeat for this long is shown offline, and the reconciler retries its builds. */
export const HOST_OFFLINE_AFTER_MS = 30_000;

export type BuildHostRow = { id: string; name: string; arch: string; capacity: number };

const createHostTokenSchema = z.object({
  name: z.string().trim().min(1, "Name the host").max(100).regex(/^[A-Za-z0-9._-]+$/, "Use letters, digits, . _ - only"),
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
    update: { tokenHash: hashSecret(token) },
  });
  await setHostRedisUser({ hostId: host.id, arch: host.arch, tokenHash: host.tokenHash });
  return token;
}

export async function authenticateHost(token: string | undefined): Promise<BuildHostRow | null> {
  if (!token) return null;
  return getDb().buildHost.findUnique({ where: { tokenHash: hashSecret(token) }, select: { id: true, name: true, arch: true, capacity: true } });
}

/** A worker says who it is when it starts; the token decides which host row that is. */
export async function registerHost({ host, input }: { host: BuildHostRow; input: z.infer<typeof registerHostSchema> }) {
  const clash = await getDb().buildHost.findFirst({ where: { name: input.name, NOT: { id: host.id } } });
  return getDb().buildHost.update({
    where: { id: host.id },
    data: { name: clash ? host.name : input.name, arch: input.arch, capacity: input.capacity, nixVersion: input.nixVersion, lastHeartbeatAt: new Date() },
    select: { id: true, name: true, arch: true, capacity: true },
  });
}

/**
 * Records a heartbeat and answers with the builds the host should stop: cancelled, or moved to a newer attempt
 * (the cancel message may have been missed while Redis was away).
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
  return { stop };
}

export function isHostOnline(host: { lastHeartbeatAt: Date | null }, now = Date.now()): boolean {
  return Boolean(host.lastHeartbeatAt && now - host.lastHeartbeatAt.getTime() < HOST_OFFLINE_AFTER_MS);
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
 * Why a queued build has no one to build it: no host of its arch is online (heartbeat within 30 s); null when one
 * is, or when the build is not queued. The build stays queued and starts when such a host connects.
 */
export async function findNoHostReason({ build }: { build: { status: string; arch: string } }): Promise<string | null> {
  if (build.status !== "QUEUED") return null;
  const online = await getDb().buildHost.count({ where: { arch: build.arch, lastHeartbeatAt: { gte: new Date(Date.now() - HOST_OFFLINE_AFTER_MS) } } });
  if (online > 0) return null;
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
