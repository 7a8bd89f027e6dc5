import { getDb } from "../db";

/** A name as a file-name part: lower case letters, digits and single dashes, at most 40 characters. */
export function fileSlug(name: string, fallback: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, "-")
      .replace(/^[-_]+|[-_]+$/g, "")
      .slice(0, 40) || fallback
  );
}

/** `<machine>-<profile>-r<revision>-<arch>.iso` (or `.log`), from safe characters only. */
export function readableArtifactName(parts: {
  machine: string;
  profile: string;
  revision: number;
  arch: string;
  kind: "ISO" | "LOG";
  suffix?: string;
}): string {
  const base = [
    fileSlug(parts.machine, "machine"),
    fileSlug(parts.profile, "profile"),
    `r${parts.revision}`,
    fileSlug(parts.arch, "arch"),
    ...(parts.suffix ? [parts.suffix] : []),
  ].join("-");
  return `${base}.${parts.kind === "ISO" ? "iso" : "log"}`;
}

/**
 * The file name a build's ISO or log is stored under, as people see it (downloads, SHA256SUMS, the CLI): named
 * after what it is, with the build's short id added when another build of the same revision already has the name.
 */
export async function artifactFileName({ buildId, kind }: { buildId: string; kind: "ISO" | "LOG" }): Promise<string> {
  const db = getDb();
  const build = await db.build.findUniqueOrThrow({
    where: { id: buildId },
    select: { arch: true, revision: { select: { number: true, profile: { select: { name: true, machine: { select: { name: true } } } } } } },
  });
  const parts = { machine: build.revision.profile.machine.name, profile: build.revision.profile.name, revision: build.revision.number, arch: build.arch, kind };
  const plain = readableArtifactName(parts);
  const taken = await db.artifact.count({ where: { fileName: plain, kind, buildId: { not: buildId } } });
  return taken === 0
    ? plain
    : readableArtifactName({
        ...parts,
        suffix: buildId
          .slice(-8)
          .toLowerCase()
          .replace(/[^a-z0-9]/g, ""),
      });
}
