import { catalogSchema, type Catalog } from "@/contracts/catalog";
import { getDb } from "./db";
import { AppError } from "./errors";

export type ChannelInfo = { name: string; label: string; revision: string; catalog: Catalog };

/** Every seeded channel, the default (`mini`) first. */
export async function listChannels(): Promise<ChannelInfo[]> {
  const rows = await getDb().channel.findMany({ orderBy: { name: "asc" } });
  return rows
    .map((row) => ({ name: row.name, label: row.label, revision: row.revision, catalog: catalogSchema.parse(row.catalog) }))
    .sort((a, b) => (a.name === "mini" ? -1 : b.name === "mini" ? 1 : 0));
}

export async function getChannelOrThrow(name: string): Promise<ChannelInfo> {
  const row = await getDb().channel.findUnique({ where: { name } });
  if (!row) throw new AppError("NOT_FOUND", `Unknown channel "${name}": the dashboard has no such catalog`);
  return { name: row.name, label: row.label, revision: row.revision, catalog: catalogSchema.parse(row.catalog) };
}
