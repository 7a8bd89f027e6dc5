import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { archiveSchema, catalogPackageFromArchive, catalogSchema, type Archive, type Catalog } from "@/contracts/catalog";
import { readChannelRevision } from "@/worker/engine/channel-revision";

/** Where the channels live in the repo: nix/channels/<name>/catalog.json (+ debs.lock.json for pinned ones). */
export const CHANNELS_DIR = path.join(process.cwd(), "nix", "channels");

/** `archive`: the generated packages (nix/channels/<name>/archive.json) of a channel that has them (mini). */
export type ChannelSource = { name: string; catalog: Catalog; revision: string; archive?: Archive };

/** Reads and validates every channel's catalog from the repo. A broken catalog fails loudly, naming its file. */
export function readChannelSources(root = CHANNELS_DIR): ChannelSource[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(root, entry.name, "catalog.json")))
    .map((entry) => {
      const dir = path.join(root, entry.name);
      const file = path.join(dir, "catalog.json");
      const parsed = catalogSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
      if (!parsed.success) throw new Error(`${file} is not a valid catalog: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
      if (parsed.data.channel !== entry.name) throw new Error(`${file} says channel "${parsed.data.channel}" but lives in "${entry.name}"`);
      const archiveFile = path.join(dir, "archive.json");
      if (!existsSync(archiveFile)) return { name: entry.name, catalog: parsed.data, revision: readChannelRevision(dir) };
      // The catalog row keeps the featured packages only, with what the archive knows of them; the rest is searched.
      const archive = archiveSchema.parse(JSON.parse(readFileSync(archiveFile, "utf8")));
      const packages = parsed.data.packages.map((featured) => {
        const pkg = archive.packages[featured.id];
        if (!pkg) throw new Error(`${file} features ${featured.id}, which ${archiveFile} does not offer: run npm run pin:mini`);
        return catalogPackageFromArchive(featured.id, pkg, featured);
      });
      return { name: entry.name, catalog: { ...parsed.data, packages }, revision: readChannelRevision(dir), archive };
    });
}
