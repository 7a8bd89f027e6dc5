import type { Actor } from "../auth/actor";
import { getDb, queryRows } from "../db";
import { AppError } from "../errors";
import { ownedBuild } from "../ownership";
import { keysetSql, toPage, type Page, type PageRequest } from "../pagination";
import { Prisma } from "@/generated/prisma/client";

/** The relations of a `BuildDetail` (the shape getBuildOrThrow reads in SQL). */
export const buildInclude = {
  revision: { include: { profile: { select: { id: true, name: true, machineId: true, machine: { select: { id: true, name: true } } } } } },
  host: { select: { id: true, name: true } },
  artifacts: true,
  reusedFrom: { include: { artifacts: true, host: { select: { id: true, name: true } } } },
  attempts: { orderBy: { number: "asc" }, omit: { tokenHash: true, result: true }, include: { host: { select: { name: true } } } },
  refusals: { orderBy: { createdAt: "asc" } },
} as const;

/** A build with what its page and its REST form show: revision, profile and machine, hosts, artifacts (its own and its source's), attempts, refusals. */
export type BuildDetail = Prisma.BuildGetPayload<{ include: typeof buildInclude }>;

type BuildWithHostName = Prisma.BuildGetPayload<object> & { hostName: string | null };
type RevisionRow = Prisma.ProfileRevisionGetPayload<object> & { profileName: string; machineId: string; machineName: string };
type AttemptRow = Omit<BuildDetail["attempts"][number], "host"> & { hostName: string | null };

/** A build row with its host's name (`hostName`, joined), as getBuildOrThrow reads the build and the one it reused. */
function buildRowSql(where: Prisma.Sql) {
  return Prisma.sql`SELECT b.*, h.name AS "hostName" FROM "Build" b LEFT JOIN "BuildHost" h ON h.id = b."hostId" WHERE ${where}`;
}

function withHost({ hostName, ...build }: BuildWithHostName) {
  return { ...build, host: build.hostId && hostName !== null ? { id: build.hostId, name: hostName } : null };
}

/**
 * Only the person who requested a build sees it; everyone else gets the same 404 as for a missing one.
 *
 * The build page and every REST call on a build read this, so it is plain SQL: the build row, then its revision
 * (with profile and machine), the build it reused, artifacts, attempts and refusals at once. Prisma's query compiler
 * spent about ten times the queries' own cost on the nested include (`npx tsx bench/run-all.ts --only dashboard`
 * measures the page). `buildInclude` is the shape.
 */
export async function getBuildOrThrow({ actor, buildId }: { actor: Actor; buildId: string }): Promise<BuildDetail> {
  const [row] = await queryRows<BuildWithHostName>(buildRowSql(Prisma.sql`b.id = ${buildId} AND b."requestedById" = ${ownedBuild(actor).requestedById}`));
  if (!row) throw new AppError("NOT_FOUND", "No such build");
  const build = withHost(row);
  const ids = build.reusedFromId ? [build.id, build.reusedFromId] : [build.id];
  const [[revision], [source], artifacts, attempts, refusals] = await Promise.all([
    queryRows<RevisionRow>(Prisma.sql`
      SELECT r.*, p.name AS "profileName", p."machineId", m.name AS "machineName"
      FROM "ProfileRevision" r JOIN "Profile" p ON p.id = r."profileId" JOIN "Machine" m ON m.id = p."machineId"
      WHERE r.id = ${build.revisionId}`),
    build.reusedFromId ? queryRows<BuildWithHostName>(buildRowSql(Prisma.sql`b.id = ${build.reusedFromId}`)) : [],
    queryRows<Prisma.ArtifactGetPayload<object>>(Prisma.sql`SELECT * FROM "Artifact" WHERE "buildId" IN (${Prisma.join(ids)}) ORDER BY "createdAt", id`),
    queryRows<AttemptRow>(Prisma.sql`
      SELECT a.id, a."buildId", a.number, a."hostId", a.status::text AS status, a."claimedAt", a."startedAt", a."finishedAt",
        a."failureReason", a."logArtifactId", a."uploadLockId", a."uploadLockUntil", h.name AS "hostName"
      FROM "BuildAttempt" a LEFT JOIN "BuildHost" h ON h.id = a."hostId"
      WHERE a."buildId" = ${build.id} ORDER BY a.number`),
    queryRows<Prisma.BuildRefusalGetPayload<object>>(Prisma.sql`SELECT * FROM "BuildRefusal" WHERE "buildId" = ${build.id} ORDER BY "createdAt", id`),
  ]);
  if (!revision) throw new Error(`build ${build.id}: its revision ${build.revisionId} is missing`);
  const { profileName, machineId, machineName, ...revisionFields } = revision;
  return {
    ...build,
    revision: { ...revisionFields, profile: { id: revision.profileId, name: profileName, machineId, machine: { id: machineId, name: machineName } } },
    artifacts: artifacts.filter((a) => a.buildId === build.id),
    reusedFrom: source ? { ...withHost(source), artifacts: artifacts.filter((a) => a.buildId === source.id) } : null,
    attempts: attempts.map(({ hostName, ...attempt }) => ({ ...attempt, host: hostName === null ? null : { name: hostName } })),
    refusals,
  };
}

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
  const rows = await queryRows<BuildRow>(Prisma.sql`
    SELECT b.id, b.status::text AS status, b.phase, b."queuedAt", b."reusedFromId" IS NOT NULL AS "isReused",
      r.number AS "revisionNumber", p.name AS profile, m.name AS machine
    FROM "Build" b
    JOIN "ProfileRevision" r ON r.id = b."revisionId"
    JOIN "Profile" p ON p.id = r."profileId"
    JOIN "Machine" m ON m.id = p."machineId"
    WHERE b."requestedById" = ${actor.id} ${query.where}
    ${query.orderBy}
    LIMIT ${query.take}`);
  return toPage(rows, query, (b) => b.queuedAt);
}

/**
 * How much of a finished build's log its page shows: the last lines, as Hydra's build page does, bounded in bytes
 * too. A Nix build's log runs to megabytes, and the page carries what it shows twice (the HTML and React's payload):
 * the whole log is one click away (StoredLog) and a download.
 */
export const LOG_TAIL = { lines: 200, maxBytes: 64 * 1024 } as const;

/** The last lines of a finished build's stored log, and how many bytes come before them (0: the whole log). */
export async function readLogTail(build: Pick<BuildDetail, "artifacts" | "reusedFrom">): Promise<{ text: string; hiddenBytes: number } | null> {
  const { log } = artifactsOf(build);
  if (!log) return null;
  const size = Number(log.sizeBytes);
  if (size === 0) return { text: "", hiddenBytes: 0 };
  const { getArtifactStorage } = await import("../artifacts/storage");
  // One byte before the window too: when it is a newline, the window starts with a whole line.
  const start = Math.max(0, size - LOG_TAIL.maxBytes - 1);
  const stream = await getArtifactStorage().get(log.storageKey, { start, end: size - 1 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  let text = Buffer.concat(chunks).toString("utf8");
  // Whole lines only: a read that starts mid-file drops its partial first line (unless it is all one line).
  if (start > 0) text = text.slice(text.indexOf("\n") + 1);
  // The last `lines` lines; the log's final newline ends its last line, it does not start one.
  const lines = text.split("\n");
  const final = text.endsWith("\n") ? 1 : 0;
  if (lines.length - final > LOG_TAIL.lines) text = lines.slice(-(LOG_TAIL.lines + final)).join("\n");
  return { text, hiddenBytes: size - Buffer.byteLength(text) };
}
