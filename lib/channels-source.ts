import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { catalogSchema, type Catalog } from "@/contracts/catalog";
import { readChannelRevision } from "@/worker/engine/channel-revision";

/** Where the channels live in the repo: nix/channels/<name>/catalog.json (+ debs.lock.json for pinned ones). */
export const CHANNELS_DIR = path.join(process.cwd(), "nix", "channels");

export type ChannelSource = { name: string; catalog: Catalog; revision: string };

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
      return { name: entry.name, catalog: parsed.data, revision: readChannelRevision(dir) };
    });
}
