import { catalogPackageFromArchive, catalogSchema, optionalPackageSchema, type Archive, type Catalog, type OptionalPackage } from "@/contracts/catalog";
import type { BuildSizes } from "@/contracts/build-result";
import { closureBytes, closureOf, type ClosureEntry } from "@/contracts/resolver";
import { Prisma } from "@/generated/prisma/client";
import { getDb, queryRows } from "./db";
import { AppError } from "./errors";

export type ChannelInfo = { name: string; label: string; revision: string; catalog: Catalog };

/** Every seeded channel, the default (`mini`) first. */
export async function listChannels(): Promise<ChannelInfo[]> {
  const rows = await getDb().channel.findMany({ orderBy: { name: "asc" } });
  return rows
    .map((row) => ({ name: row.name, label: row.label, revision: row.revision, catalog: catalogSchema.parse(row.catalog) }))
    .sort((a, b) => (a.name === "mini" ? -1 : b.name === "mini" ? 1 : 0));
}

type Graph = Map<string, ClosureEntry & { measured: boolean }>;

/**
 * What the app keeps of one channel, valid for one revision and measurement (recordMeasuredSizes touches the
 * channel's updatedAt): the channel with its featured packages, its dependency graph (made when first needed), and
 * the catalog entries of the packages asked for so far. A Build click validates against it, and reading it from the
 * database took four queries and ~10 ms on each click.
 */
type ChannelCache = {
  revision: string;
  updatedAt: number;
  channel: ChannelInfo;
  graph?: Promise<Graph>;
  packages: Map<string, OptionalPackage>;
};
const channels = new Map<string, ChannelCache>();

const unknownChannel = (name: string) => new AppError("NOT_FOUND", `Unknown channel "${name}": the dashboard has no such catalog`);

/** The channel as the database holds it now: one small query when nothing changed since the last read. */
async function cachedChannel(name: string): Promise<ChannelCache> {
  const [stamp] = await queryRows<{ revision: string; updatedAt: Date }>(Prisma.sql`SELECT revision, "updatedAt" FROM "Channel" WHERE name = ${name}`);
  if (!stamp) throw unknownChannel(name);
  const cached = channels.get(name);
  if (cached?.revision === stamp.revision && cached.updatedAt === stamp.updatedAt.getTime()) return cached;
  const row = await getDb().channel.findUnique({ where: { name } });
  if (!row) throw unknownChannel(name);
  const catalog = catalogSchema.parse(row.catalog);
  // The featured packages as the channel row keeps them, with the sizes builds measured since.
  const measured = await getDb().catalogPackage.findMany({
    where: { channel: name, id: { in: catalog.packages.map((p) => p.id) }, measuredBytes: { not: null } },
    select: { id: true, measuredBytes: true },
  });
  const bytes = new Map(measured.map((m) => [m.id, Number(m.measuredBytes)]));
  catalog.packages = catalog.packages.map((p) => (bytes.has(p.id) ? { ...p, sizeBytes: bytes.get(p.id)!, sizeMeasured: true } : p));
  // Kept under the stamp read first: a measurement recorded meanwhile moves the stamp, and the next read loads again.
  const entry: ChannelCache = {
    revision: stamp.revision,
    updatedAt: stamp.updatedAt.getTime(),
    channel: { name: row.name, label: row.label, revision: row.revision, catalog },
    packages: new Map(),
  };
  channels.set(name, entry);
  return entry;
}

/**
 * A channel with its roles and featured packages; `packages` adds those packages and everything they pull in (the
 * slice of a generated catalog that validating, sizing or showing a selection needs), never the whole archive.
 * Every package's size is the one a build measured where one did (`sizeMeasured`), else Installed-Size. The answer
 * is the caller's own copy (a slice is tens to hundreds of packages).
 */
export async function getChannelOrThrow(name: string, options: { packages?: string[] } = {}): Promise<ChannelInfo> {
  const cached = await cachedChannel(name);
  const { channel } = cached;
  const own = new Set(channel.catalog.packages.map((p) => p.id));
  const pulledIn = options.packages?.length ? (await closurePackages(cached, options.packages)).filter((p) => !own.has(p.id)) : [];
  return structuredClone({ ...channel, catalog: { ...channel.catalog, packages: [...channel.catalog.packages, ...pulledIn] } });
}

/** Every package's dependencies and size (measured where a build measured it, else Installed-Size), walked in memory. */
function dependencyGraph(cached: ChannelCache): Promise<Graph> {
  cached.graph ??= queryRows<{ id: string; size: bigint; measured: boolean; depends: string[] | null }>(Prisma.sql`
    SELECT id, COALESCE("measuredBytes", "sizeBytes") AS size, "measuredBytes" IS NOT NULL AS measured, ARRAY(SELECT jsonb_array_elements_text(entry->'debian'->'depends')) AS depends
    FROM "CatalogPackage" WHERE channel = ${cached.channel.name}`).then((rows) => {
    const entries: Graph = new Map();
    for (const r of rows) {
      entries.set(r.id, { id: r.id, sizeBytes: Number(r.size), measured: r.measured, debian: { depends: r.depends ?? [], conflicts: [], clashes: [] } });
    }
    return entries;
  });
  // A failed read is not kept: the next call tries again.
  cached.graph.catch(() => (cached.graph = undefined));
  return cached.graph;
}

/** The catalog entries of some packages and of everything they pull in (unknown names are left out), read once each. */
async function closurePackages(cached: ChannelCache, packages: string[]): Promise<OptionalPackage[]> {
  const entries = await dependencyGraph(cached);
  const ids = closureOf(
    entries,
    packages.filter((id) => entries.has(id)),
  );
  const unread = ids.filter((id) => !cached.packages.has(id));
  if (unread.length) {
    const rows = await getDb().catalogPackage.findMany({
      where: { channel: cached.channel.name, id: { in: unread } },
      select: { entry: true, measuredBytes: true },
    });
    for (const r of rows) {
      const pkg = optionalPackageSchema.parse(r.entry);
      cached.packages.set(pkg.id, r.measuredBytes === null ? pkg : { ...pkg, sizeBytes: Number(r.measuredBytes), sizeMeasured: true });
    }
  }
  return ids.flatMap((id) => cached.packages.get(id) ?? []);
}

/**
 * The catalog entries of some packages and of everything they pull in (unknown names are left for validation), each
 * with its measured size where a build measured one (`sizeMeasured`), else Installed-Size.
 */
export async function findPackageClosure(options: { channel: string; packages: string[] }): Promise<OptionalPackage[]> {
  return structuredClone(await closurePackages(await cachedChannel(options.channel), options.packages));
}

/**
 * What a successful build measured becomes the catalog's size (docs/sizes.md): a package part built from its own
 * .deb alone (one that pulled in dependencies holds them too, so it says nothing of the package by itself), of the
 * version the catalog pins, when the build was of the channel's current revision. A new archive replaces the rows,
 * measurements included. Returns the packages recorded.
 */
export async function recordMeasuredSizes(options: { channel: string; channelRevision: string; sizes: BuildSizes }): Promise<string[]> {
  const alone = options.sizes.parts.filter(
    (p) => p.kind === "package" && p.debs.length === 1 && p.debs[0]!.name === p.name && p.debs[0]!.version === p.version,
  );
  if (!alone.length) return [];
  return getDb().$transaction(async (tx) => {
    const channel = await tx.channel.findUnique({ where: { name: options.channel }, select: { revision: true } });
    if (channel?.revision !== options.channelRevision) return [];
    const recorded: string[] = [];
    for (const part of alone) {
      const { count } = await tx.catalogPackage.updateMany({
        where: { channel: options.channel, id: part.name, version: part.version! },
        data: { measuredBytes: BigInt(part.bytes) },
      });
      if (count) recorded.push(part.name);
    }
    if (recorded.length) await tx.channel.update({ where: { name: options.channel }, data: { updatedAt: new Date() } });
    return recorded;
  });
}

/** `sizeMeasured`: the size is what a build measured, else Installed-Size; `adds.measured`: how many of those added were. */
export type PackageHit = {
  id: string;
  version: string;
  section: string;
  description: string;
  sizeBytes: number;
  sizeMeasured: boolean;
  adds: { packages: number; bytes: number; measured: number };
};

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Ranked search over a channel's packages, server-side: names containing the query (a pg_trgm GIN index on the name)
 * and packages whose name and description hold every word (a full-text GIN index); ranked exact name first, then
 * names that start with the query, names that contain it (by trigram similarity), then description matches.
 * `adds` is what the package would add to `selected`: packages not already in its closure, and their installed bytes.
 */
export async function searchPackages(options: { channel: string; query: string; selected?: string[]; limit?: number }): Promise<PackageHit[]> {
  const q = options.query.trim().toLowerCase().replace(/\s+/g, " ").slice(0, 100);
  if (!q) return [];
  const rows = await queryRows<{ id: string; version: string; section: string; description: string; size: bigint; measured: boolean }>(Prisma.sql`
    SELECT id, version, section, description, COALESCE("measuredBytes", "sizeBytes") AS size, "measuredBytes" IS NOT NULL AS measured FROM "CatalogPackage"
    WHERE channel = ${options.channel} AND (id LIKE ${`%${escapeLike(q)}%`} OR search @@ plainto_tsquery('simple', ${q}))
    ORDER BY (id = ${q}) DESC, (id LIKE ${`${escapeLike(q)}%`}) DESC, (id LIKE ${`%${escapeLike(q)}%`}) DESC,
      similarity(id, ${q}) DESC, length(id), id
    LIMIT ${Math.min(options.limit ?? 20, 50)}`);
  const entries = await dependencyGraph(await cachedChannel(options.channel));
  const have = new Set(
    closureOf(
      entries,
      (options.selected ?? []).filter((id) => entries.has(id)),
    ),
  );
  return rows.map((r) => {
    const added = closureOf(entries, [r.id]).filter((id) => !have.has(id));
    return {
      id: r.id,
      version: r.version,
      section: r.section,
      description: r.description,
      sizeBytes: Number(r.size),
      sizeMeasured: r.measured,
      adds: { packages: added.length, bytes: closureBytes(entries, added), measured: added.filter((id) => entries.get(id)?.measured).length },
    };
  });
}

/**
 * Seeding: the channel row and its generated packages, in one transaction, only when the revision changed (or the
 * packages are missing); a changed archive replaces every row of the channel.
 */
export async function replaceCatalogPackages(options: {
  name: string;
  revision: string;
  archive: Archive;
  data: { label: string; revision: string; catalog: Catalog };
}): Promise<void> {
  const db = getDb();
  const before = await db.channel.findUnique({ where: { name: options.name }, select: { revision: true } });
  if (before?.revision === options.revision && (await db.catalogPackage.count({ where: { channel: options.name } })) > 0) return;
  const featured = new Map(options.data.catalog.packages.map((p) => [p.id, p]));
  const rows = Object.entries(options.archive.packages).map(([id, pkg]) => {
    const entry = catalogPackageFromArchive(id, pkg, featured.get(id));
    // The description searched is the one shown (a featured package's own text, else Debian's synopsis).
    return {
      channel: options.name,
      id,
      version: pkg.version,
      section: pkg.section,
      description: entry.description,
      sizeBytes: BigInt(pkg.installedBytes),
      entry: entry as unknown as Prisma.InputJsonValue,
    };
  });
  await db.$transaction(
    async (tx) => {
      await tx.catalogPackage.deleteMany({ where: { channel: options.name } });
      for (let i = 0; i < rows.length; i += 5000) await tx.catalogPackage.createMany({ data: rows.slice(i, i + 5000) });
      await tx.$executeRaw`UPDATE "CatalogPackage" SET search = to_tsvector('simple', replace(id, '-', ' ') || ' ' || description) WHERE channel = ${options.name}`;
      await tx.channel.upsert({ where: { name: options.name }, create: { name: options.name, ...options.data }, update: options.data });
    },
    { timeout: 300_000 },
  );
}
