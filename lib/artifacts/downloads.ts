import { Readable } from "node:stream";
import contentDisposition from "content-disposition";
import type { Actor } from "../auth/actor";
import { getDb, queryRows } from "../db";
import { AppError } from "../errors";
import { getArtifactStorage } from "./storage";
import { formatProfileText } from "@/contracts/profile-text";
import { selectionSchema } from "@/contracts/selection";
import { Prisma, type Artifact } from "@/generated/prisma/client";
import { ownedArtifact, ownedBuild } from "../ownership";
import { keysetSql, toPage, type PageRequest } from "../pagination";

/** An artifact the actor may download: they requested its build, or a build of theirs reuses it. */
export async function getArtifactOrThrow({ actor, artifactId }: { actor: Actor; artifactId: string }) {
  const artifact = await getDb().artifact.findFirst({ where: { id: artifactId, ...ownedArtifact(actor) } });
  if (!artifact) throw new AppError("NOT_FOUND", "No such file");
  return artifact;
}

export type ByteRange = { start: number; end: number };

/**
 * Parses a Range header against a size: null for no (or a non-bytes) range, "unsatisfiable" for one that cannot
 * be served (416), else one inclusive range. Several ranges are served as the whole file.
 */
export function parseRange(header: string | null, size: number): ByteRange | null | "unsatisfiable" {
  if (!header) return null;
  const match = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!match) return null;
  const specs = match[1]!.split(",").map((s) => s.trim());
  if (specs.length > 1) return null;
  const spec = /^(\d*)-(\d*)$/.exec(specs[0]!);
  if (!spec || (spec[1] === "" && spec[2] === "")) return "unsatisfiable";
  if (spec[1] === "") {
    const suffix = Number(spec[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(spec[1]);
  const end = spec[2] === "" ? size - 1 : Math.min(Number(spec[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) return "unsatisfiable";
  return { start, end };
}

/** Serves an artifact by id: attachment, resumable (206/416), streamed from storage (never whole in memory). */
export async function serveArtifact({ actor, artifactId, request }: { actor: Actor; artifactId: string; request: Request }): Promise<Response> {
  return serveArtifactFile({ artifact: await getArtifactOrThrow({ actor, artifactId }), request });
}

/** What serving an artifact needs of its row. */
export type ServableArtifact = Pick<Artifact, "id" | "kind" | "fileName" | "sizeBytes" | "sha256" | "storageKey">;

/** The Content-Type, Content-Disposition and checksum headers of an artifact download. */
export function artifactHeaders({ artifact, isInline = false }: { artifact: ServableArtifact; isInline?: boolean }): Record<string, string> {
  return {
    "content-type": artifact.kind === "LOG" ? "text/plain; charset=utf-8" : "application/octet-stream",
    "content-disposition": contentDisposition(artifact.fileName, { type: isInline ? "inline" : "attachment" }),
    "cache-control": "private, no-transform",
    "x-content-sha256": artifact.sha256,
    "x-content-type-options": "nosniff",
  };
}

/** Serves an artifact whose access the caller has already checked (by owner, or by share link). Under `next dev`; the production server serves these routes itself (see delivery.ts). */
export async function serveArtifactFile({ artifact, request }: { artifact: ServableArtifact; request: Request }): Promise<Response> {
  const size = Number(artifact.sizeBytes);
  const headers: Record<string, string> = { ...artifactHeaders({ artifact }), "accept-ranges": "bytes", etag: `"${artifact.sha256}"` };
  const ifRange = request.headers.get("if-range");
  const range = ifRange && ifRange !== headers.etag ? null : parseRange(request.headers.get("range"), size);
  if (range === "unsatisfiable") {
    return new Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${size}`, "content-length": "0" } });
  }
  const storage = getArtifactStorage();
  if ((await storage.size(artifact.storageKey)) !== size) {
    console.error(`artifact ${artifact.id}: ${artifact.storageKey} is missing or not ${size} bytes in storage`);
    throw new AppError("UNAVAILABLE", "This file is missing from the dashboard's storage: build the profile again");
  }
  if (request.method === "HEAD") {
    return new Response(null, { status: 200, headers: { ...headers, "content-length": String(size) } });
  }
  const stream = await storage.get(artifact.storageKey, range ?? undefined);
  const body = Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>;
  if (!range) return new Response(body, { status: 200, headers: { ...headers, "content-length": String(size) } });
  return new Response(body, {
    status: 206,
    headers: { ...headers, "content-length": String(range.end - range.start + 1), "content-range": `bytes ${range.start}-${range.end}/${size}` },
  });
}

function downloadsWhere(actor: Actor) {
  return { ...ownedBuild(actor), status: "SUCCEEDED" as const };
}

type DownloadRow = {
  buildId: string;
  finishedAt: Date;
  isReused: boolean;
  revisionNumber: number;
  selection: unknown;
  profileId: string;
  profile: string;
  machine: string;
  host: string | null;
  sourceStartedAt: Date | null;
  sourceFinishedAt: Date | null;
  sourceResult: { bootTests?: { firmware: string; passed: boolean }[] } | null;
  isoId: string;
  isoBuildId: string;
  isoFileName: string;
  isoSizeBytes: bigint;
  isoSha256: string;
  isoCreatedAt: Date;
  logId: string | null;
};

/**
 * One page of the ISOs the actor may see, newest first, with what made it, in one query (index
 * Build_requestedById_status_finishedAt_id_idx; `requestedById` is ownedBuild's rule, written out in SQL). A
 * reused build lists the ISO, log and host of the build it resolved to. The page's builds are picked first
 * (`page`, materialized) and the rest joined to those rows: with all eight tables in one join, PostgreSQL spent
 * 6 ms planning the query for 0.3 ms of work (docs/benchmarks.md).
 */
export async function listDownloads({ actor, ...page }: { actor: Actor } & Partial<PageRequest>) {
  const query = keysetSql(Prisma.sql`b."finishedAt"`, Prisma.sql`b.id`, { ...page, take: page.take ?? 25 });
  const rows = await queryRows<DownloadRow>(Prisma.sql`
    WITH page AS MATERIALIZED (
      SELECT b.id, b."finishedAt", b."reusedFromId", b."revisionId", COALESCE(b."reusedFromId", b.id) AS "sourceId"
      FROM "Build" b
      WHERE b."requestedById" = ${actor.id} AND b.status = 'SUCCEEDED' AND b."finishedAt" IS NOT NULL ${query.where}
        AND EXISTS (SELECT 1 FROM "Artifact" a WHERE a."buildId" = COALESCE(b."reusedFromId", b.id) AND a.kind = 'ISO')
      ${query.orderBy}
      LIMIT ${query.take})
    SELECT page.id AS "buildId", page."finishedAt", page."reusedFromId" IS NOT NULL AS "isReused",
      r.number AS "revisionNumber", r.selection, r."profileId", p.name AS profile, m.name AS machine,
      (SELECT h.name FROM "BuildHost" h WHERE h.id = s."hostId") AS host,
      s."startedAt" AS "sourceStartedAt", s."finishedAt" AS "sourceFinishedAt", s.result AS "sourceResult",
      iso.id AS "isoId", iso."buildId" AS "isoBuildId", iso."fileName" AS "isoFileName", iso."sizeBytes" AS "isoSizeBytes",
      iso.sha256 AS "isoSha256", iso."createdAt" AS "isoCreatedAt",
      (SELECT log.id FROM "Artifact" log WHERE log."buildId" = s.id AND log.kind = 'LOG') AS "logId"
    FROM page
    JOIN "ProfileRevision" r ON r.id = page."revisionId"
    JOIN "Profile" p ON p.id = r."profileId"
    JOIN "Machine" m ON m.id = p."machineId"
    JOIN "Build" s ON s.id = page."sourceId"
    JOIN "Artifact" iso ON iso."buildId" = s.id AND iso.kind = 'ISO'
    ORDER BY page."finishedAt" ${query.direction}, page.id ${query.direction}`);
  const { items: found, ...cursors } = toPage(
    rows.map((row) => ({ ...row, id: row.buildId })),
    query,
    (row) => row.finishedAt,
  );
  const items = found.map((row) => {
    const selection = selectionSchema.safeParse(row.selection);
    return {
      buildId: row.buildId,
      machine: row.machine,
      profile: row.profile,
      profileId: row.profileId,
      revisionNumber: row.revisionNumber,
      iso: {
        id: row.isoId,
        buildId: row.isoBuildId,
        kind: "ISO" as const,
        fileName: row.isoFileName,
        sizeBytes: row.isoSizeBytes,
        sha256: row.isoSha256,
        createdAt: row.isoCreatedAt,
      },
      log: row.logId ? { id: row.logId } : null,
      host: row.host,
      finishedAt: row.finishedAt,
      durationMs: row.sourceStartedAt && row.sourceFinishedAt ? row.sourceFinishedAt.getTime() - row.sourceStartedAt.getTime() : null,
      isReused: row.isReused,
      bootTests: row.sourceResult?.bootTests ?? [],
      profileText: selection.success ? formatProfileText(selection.data, { machine: row.machine, profile: row.profile, revision: row.revisionNumber }) : "",
    };
  });
  return { items, ...cursors };
}

/** `sha256  filename` lines, one per ISO file (a reused ISO once), as sha256sum -c reads them. */
export async function getSha256Sums({ actor }: { actor: Actor }): Promise<string> {
  // Only the artifacts: this file lists every ISO, so it skips what the page needs (profiles, text).
  const builds = await getDb().build.findMany({
    where: downloadsWhere(actor),
    orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
    select: { artifacts: { where: { kind: "ISO" } }, reusedFrom: { select: { artifacts: { where: { kind: "ISO" } } } } },
  });
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const build of builds) {
    const iso = (build.reusedFrom ?? build).artifacts[0];
    if (!iso || seen.has(iso.id)) continue;
    seen.add(iso.id);
    lines.push(`${iso.sha256}  ${iso.fileName}`);
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}
