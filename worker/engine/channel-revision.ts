import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * The one definition of a channel's revision, computed the same way by the app (when it seeds the channel) and by
 * a build host (from its own checkout): sha256 over every file of the channel's folder (catalog, components, pins,
 * Nix expressions), names and contents, in a fixed order. Equal revision + equal selection = equal ISO, so a
 * host whose checkout differs refuses the build instead of building something else.
 */
export function readChannelRevision(channelDir: string): string {
  const files = channelFiles(channelDir);
  // Hashing the folder (26 MB for mini) blocks the process for ~100 ms, at the start of every build: hash again
  // only when a file was added, removed or written since (a checkout or an edit changes its size or mtime).
  const fingerprint = files
    .map((file) => {
      const { size, mtimeMs } = statSync(join(channelDir, file));
      return `${file}\0${size}\0${mtimeMs}`;
    })
    .join("\n");
  const cached = revisions.get(channelDir);
  if (cached?.fingerprint === fingerprint) return cached.revision;
  const hash = createHash("sha256");
  for (const file of files)
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(join(channelDir, file)))
      .update("\0");
  const revision = hash.digest("hex");
  revisions.set(channelDir, { fingerprint, revision });
  return revision;
}

const revisions = new Map<string, { fingerprint: string; revision: string }>();

/** Regular files below the folder, relative, sorted; dot files (editor and tool state) are not part of a channel. */
function channelFiles(dir: string, prefix = ""): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...channelFiles(dir, relative));
    else if (entry.isFile()) files.push(relative);
  }
  return files.sort();
}
