import type { Actor } from "../auth/actor";
import { getDb } from "../db";
import { AppError } from "../errors";
import { ownedBuild } from "../ownership";
import { keysetSql, toPage, type Page, type PageRequest } from "../pagination";
import { Prisma } from "@/generated/prisma/client";

const buildInclude = {
  revision: { include: { profile: { include: { machine: true } } } },
  host: { select: { id: true, name: true } },
  artifacts: true,
  reusedFrom: { include: { artifacts: true, host: { select: { id: true, name: true } } } },
  attempts: { orderBy: { number: "asc" }, omit: { tokenHash: true, result: true }, include: { host: { select: { name: true } } } },
  refusals: { orderBy: { createdAt: "asc" } },
} as const;

/** Only the person who requested a build sees it; everyone else gets the same 404 as for a missing one. */
export async function getBuildOrThrow({ actor, buildId }: { actor: Actor; buildId: string }) {
  const build = await getDb().build.findFirst({ where: { id: buildId, ...ownedBuild(actor) }, include: buildInclude });
  if (!build) throw new AppError("NOT_FOUND", "No such build");
  return build;
}
export type BuildDetail = Awaited<ReturnType<typeof getBuildOrThrow>>;

/** The artifacts that hold a build's bytes: its own, or those of the build it reused. */
export function artifactsOf(build: Pick<BuildDetail, "artifacts" | "reusedFrom">) {
  const own = build.artifacts;
  const iso = own.find((a) => a.kind === "ISO") ?? build.reusedFrom?.artifacts.find((a) => a.kind === "ISO");
  const log = own.find((a) => a.kind === "LOG") ?? build.reusedFrom?.artifacts.find((a) => a.kind === "LOG");
  return { iso, log };
}

/**
 * One page of the actor's builds with what the REST build carries: the page's ids from `listBuildRows` (the same
 * keyset), then Prisma reads each relation once for the whole page, never once per row.
 */
export async function listBuilds({ actor, ...page }: { actor: Actor } & Partial<PageRequest>): Promise<Page<BuildDetail>> {
  const { items, ...cursors } = await listBuildRows({ actor, ...page, take: page.take ?? 50 });
  const details = await getDb().build.findMany({ where: { id: { in: items.map((b) => b.id) }, ...ownedBuild(actor) }, include: buildInclude });
  const byId = new Map(details.map((b) => [b.id, b]));
  return { items: items.flatMap((b) => byId.get(b.id) ?? []), ...cursors };
}

export type BuildRow = {
  id: string;
  status: string;
  phase: string | null;
  queuedAt: Date;
  isReused: boolean;
  revisionNumber: number;
  profile: string;
  machine: string;
};

/**
 * One page of the builds list page: what a row shows, in one query with its joins (index
 * Build_requestedById_queuedAt_id_idx; `requestedById` is ownedBuild's rule, written out in SQL).
 */
export async function listBuildRows({ actor, ...page }: { actor: Actor } & Partial<PageRequest>): Promise<Page<BuildRow>> {
  const query = keysetSql(Prisma.sql`b."queuedAt"`, Prisma.sql`b.id`, { ...page, take: page.take ?? 25 });
  const rows = await getDb().$queryRaw<BuildRow[]>`
    SELECT b.id, b.status::text AS status, b.phase, b."queuedAt", b."reusedFromId" IS NOT NULL AS "isReused",
      r.number AS "revisionNumber", p.name AS profile, m.name AS machine
    FROM "Build" b
    JOIN "ProfileRevision" r ON r.id = b."revisionId"
    JOIN "Profile" p ON p.id = r."profileId"
    JOIN "Machine" m ON m.id = p."machineId"
    WHERE b."requestedById" = ${actor.id} ${query.where}
    ${query.orderBy}
    LIMIT ${query.take}`;
  return toPage(rows, query, (b) => b.queuedAt);
}

const LOG_PAGE_MAX_BYTES = 2 * 1024 * 1024;

/** A finished build's stored log for the page (its last 2 MB; the whole file is a download). */
export async function readStoredLog(build: Pick<BuildDetail, "artifacts" | "reusedFrom">): Promise<{ text: string; isTruncated: boolean } | null> {
  const { log } = artifactsOf(build);
  if (!log) return null;
  const { getArtifactStorage } = await import("../artifacts/storage");
  const size = Number(log.sizeBytes);
  const start = Math.max(0, size - LOG_PAGE_MAX_BYTES);
  if (size === 0) return { text: "", isTruncated: false };
  const stream = await getArtifactStorage().get(log.storageKey, { start, end: size - 1 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return { text: Buffer.concat(chunks).toString("utf8"), isTruncated: start > 0 };
}
