import { Readable } from "node:stream";
import contentDisposition from "content-disposition";
import type { Actor } from "../auth/actor";
import { getDb } from "../db";
import { AppError } from "../errors";
import { getArtifactStorage } from "./storage";
import { formatProfileText } from "@/contracts/profile-text";
import { selectionSchema } from "@/contracts/selection";
import type { Artifact, Prisma } from "@/generated/prisma/client";
import { ownedArtifact, ownedBuild } from "../ownership";
import { keysetQuery, toPage, type PageRequest } from "../pagination";

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
  // A succeeded build always has finishedAt; saying so keeps the keyset's column non-null.
  return { ...ownedBuild(actor), status: "SUCCEEDED" as const, finishedAt: { not: null } };
}

/**
 * One page of the ISOs the actor may see, newest first, with what made it (keyset on finishedAt, id: index
 * Build_requestedById_status_finishedAt_id_idx). Reused builds list the ISO they resolved to.
 */
export async function listDownloads({ actor, ...page }: { actor: Actor } & Partial<PageRequest>) {
  const query = keysetQuery("finishedAt", { ...page, take: page.take ?? 25 });
  const rows = await getDb().build.findMany({
    where: { ...downloadsWhere(actor), ...(query.where as Prisma.BuildWhereInput) },
    orderBy: query.orderBy,
    take: query.take,
    include: {
      revision: { include: { profile: { include: { machine: true } } } },
      host: { select: { name: true } },
      artifacts: true,
      reusedFrom: { include: { artifacts: true, host: { select: { name: true } } } },
    },
  });
  const { items: builds, ...cursors } = toPage(rows, query, (b) => b.finishedAt!);
  const items = builds.flatMap((build) => {
    const source = build.reusedFrom ?? build;
    const iso = source.artifacts.find((a) => a.kind === "ISO");
    if (!iso) return [];
    const log = source.artifacts.find((a) => a.kind === "LOG") ?? null;
    const selection = selectionSchema.safeParse(build.revision.selection);
    const bootTests = (source.result as { bootTests?: { firmware: string; passed: boolean }[] } | null)?.bootTests ?? [];
    return [
      {
        buildId: build.id,
        machine: build.revision.profile.machine.name,
        profile: build.revision.profile.name,
        profileId: build.revision.profileId,
        revisionNumber: build.revision.number,
        iso,
        log,
        host: source.host?.name ?? null,
        finishedAt: build.finishedAt,
        durationMs: source.startedAt && source.finishedAt ? source.finishedAt.getTime() - source.startedAt.getTime() : null,
        isReused: Boolean(build.reusedFromId),
        bootTests,
        profileText: selection.success
          ? formatProfileText(selection.data, {
              machine: build.revision.profile.machine.name,
              profile: build.revision.profile.name,
              revision: build.revision.number,
            })
          : "",
      },
    ];
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
