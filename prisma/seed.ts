// Seeds the channels' catalogs from nix/channels/*/catalog.json. Safe to run on every start.
import { replaceCatalogPackages } from "@/lib/catalog";
import { readChannelSources } from "@/lib/channels-source";
import { getDb } from "@/lib/db";

export async function seedChannels(): Promise<string[]> {
  const db = getDb();
  const sources = readChannelSources();
  for (const source of sources) {
    const data = { label: source.catalog.label, revision: source.revision, catalog: source.catalog };
    // The generated packages are written again only when the channel's revision changed (with the row, at once).
    if (source.archive) await replaceCatalogPackages({ name: source.name, revision: source.revision, archive: source.archive, data });
    else await db.channel.upsert({ where: { name: source.name }, create: { name: source.name, ...data }, update: data });
  }
  return sources.map((s) => `${s.name}@${s.revision.slice(0, 12)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seeded = await seedChannels();
  console.log(`seeded channels: ${seeded.join(", ") || "(none found under nix/channels)"}`);
  await getDb().$disconnect();
}
