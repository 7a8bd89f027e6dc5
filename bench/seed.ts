// The dashboard after a year, written in bulk: people with machines and profiles, and builds in any number, each
// build with its ISO and log rows. Every row is made by PostgreSQL itself (INSERT ... SELECT over generate_series),
// so 100,000 builds and their 190,000 artifacts take seconds, not the minutes of one INSERT per row.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import pg from "pg";

/** How many people share the dashboard; person 0 ("you") is the one whose pages are measured and owns half the builds. */
export const PEOPLE = 4;
const MACHINES = 2;
const PROFILES = 2;
const HOSTS = 3;

export type Dashboard = {
  tag: string;
  /** Person 0's user id, their first profile and its first revision. */
  you: { userId: string; profileId: string; machineId: string; revisionId: string };
  /** How many builds are in the database so far. */
  builds: number;
};

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** People, machines, profiles (one revision each; `revisions` on person 0's first profile) and build hosts. */
export async function seedPeople(client: pg.Client, options: { selection: unknown; configHash: string; revisions: number }): Promise<Dashboard> {
  const tag = randomBytes(3).toString("hex");
  const selection = q(JSON.stringify(options.selection));
  await client.query("BEGIN");
  await client.query(`INSERT INTO "User" (id, email, name, "passwordHash")
    SELECT 'u${tag}' || p, 'bench-${tag}-' || p || '@example.org', 'Bench person ' || p, 'unused' FROM generate_series(0, ${PEOPLE - 1}) p`);
  await client.query(`INSERT INTO "Machine" (id, "ownerId", name, arch, "updatedAt")
    SELECT 'm${tag}' || p || '_' || m, 'u${tag}' || p, 'machine-' || m, 'x86_64', now()
    FROM generate_series(0, ${PEOPLE - 1}) p, generate_series(0, ${MACHINES - 1}) m`);
  await client.query(`INSERT INTO "Profile" (id, "machineId", name, channel, "updatedAt")
    SELECT 'p${tag}' || p || '_' || m || '_' || f, 'm${tag}' || p || '_' || m, 'profile-' || f, 'mini', now()
    FROM generate_series(0, ${PEOPLE - 1}) p, generate_series(0, ${MACHINES - 1}) m, generate_series(0, ${PROFILES - 1}) f`);
  await client.query(`INSERT INTO "ProfileRevision" (id, "profileId", number, selection, "configHash", message)
    SELECT 'r${tag}' || p || '_' || m || '_' || f, 'p${tag}' || p || '_' || m || '_' || f, 1, ${selection}::jsonb, ${q(options.configHash)}, ''
    FROM generate_series(0, ${PEOPLE - 1}) p, generate_series(0, ${MACHINES - 1}) m, generate_series(0, ${PROFILES - 1}) f`);
  await client.query(`INSERT INTO "ProfileRevision" (id, "profileId", number, selection, "configHash", message, "createdAt")
    SELECT 'r${tag}0_0_0_' || n, 'p${tag}0_0_0', n, ${selection}::jsonb, ${q(options.configHash)}, 'save ' || n, now() - make_interval(mins => ${options.revisions} - n)
    FROM generate_series(2, ${options.revisions}) n`);
  await client.query(`INSERT INTO "BuildHost" (id, name, arch, "tokenHash")
    SELECT 'h${tag}' || h, 'bench-${tag}-host-' || h, 'x86_64', md5('${tag}' || h) FROM generate_series(0, ${HOSTS - 1}) h`);
  await client.query("COMMIT");
  return { tag, you: { userId: `u${tag}0`, machineId: `m${tag}0_0`, profileId: `p${tag}0_0_0`, revisionId: `r${tag}0_0_0` }, builds: 0 };
}

/**
 * Builds number `from` to `to - 1`, one a minute ending now-ish (build g is queued at base + g minutes). Half are
 * person 0's, the rest the others'; every twentieth is a reused build pointing at the build four before it (the
 * same person's), one in ten failed or was cancelled. Succeeded builds have an ISO and a log, failed ones a log (rows only:
 * their files are empty, see `writeLogFile` for the one build page that is measured).
 */
export async function seedBuilds(client: pg.Client, dashboard: Dashboard, to: number, total: number): Promise<void> {
  const { tag } = dashboard;
  const from = dashboard.builds;
  const id = (g: string) => `'b${tag}' || lpad((${g})::text, 7, '0')`;
  // person: g % 4 in (0, 1) is person 0; 2 and 3 are persons 1 and 2; person 3 has machines and profiles only.
  const person = "(CASE WHEN g % 4 < 2 THEN 0 ELSE g % 4 - 1 END)";
  const status = `(CASE WHEN g % 20 = 19 THEN 'FAILED' WHEN g % 20 = 13 THEN 'CANCELLED' ELSE 'SUCCEEDED' END)::"BuildStatus"`;
  const reused = "(g % 20 = 8)";
  const base = `(date_trunc('minute', now()) - make_interval(mins => ${total}))`;
  await client.query("BEGIN");
  await client.query(`INSERT INTO "Build" (id, "revisionId", "requestedById", status, arch, channel, "channelRevision", "configHash",
      "hostId", phase, progress, "failureReason", "reusedFromId", result, "queuedAt", "startedAt", "finishedAt")
    SELECT ${id("g")},
      'r${tag}' || ${person} || '_' || ((g / 4) % ${MACHINES}) || '_' || ((g / 8) % ${PROFILES}),
      'u${tag}' || ${person}, ${status}, 'x86_64', 'mini', 'bench', 'bench',
      'h${tag}' || (g % ${HOSTS}), 'done', 1,
      CASE WHEN g % 20 = 19 THEN 'realising failed: builder for busybox failed with exit code 1' END,
      CASE WHEN ${reused} THEN ${id("g - 4")} END,
      '{"bootTests":[{"firmware":"bios","passed":true,"seconds":6},{"firmware":"uefi","passed":true,"seconds":9}]}'::jsonb,
      ${base} + make_interval(mins => g), ${base} + make_interval(mins => g, secs => 1), ${base} + make_interval(mins => g, secs => 55)
    FROM generate_series(${from}, ${to - 1}) g`);
  await client.query(`INSERT INTO "Artifact" (id, "buildId", kind, "fileName", "sizeBytes", sha256, "storageKey")
    SELECT ${id("g")} || kind, ${id("g")}, kind::"ArtifactKind",
      CASE WHEN kind = 'ISO' THEN 'zxcv-mini-' || g || '.iso' ELSE 'build.log' END,
      CASE WHEN kind = 'ISO' THEN 23000000 + g ELSE 0 END, md5(${id("g")} || kind) || md5(kind || g), 'bench/' || ${id("g")} || '/' || kind
    FROM generate_series(${from}, ${to - 1}) g, (VALUES ('ISO'), ('LOG')) k(kind)
    WHERE NOT ${reused} AND (kind = 'LOG' OR g % 20 NOT IN (13, 19))`);
  await client.query("COMMIT");
  // Vacuumed and analyzed, as a year-old dashboard's tables are: the planner sees the new rows, and autovacuum has
  // nothing to do. With ANALYZE alone it vacuumed Build and Artifact about 80 s later, in the middle of the pages'
  // measurements (two cores: its CPU went to the last pages' figures). VACUUM runs outside a transaction, one table each.
  for (const table of ["Build", "Artifact", "ProfileRevision"]) await client.query(`VACUUM (ANALYZE) "${table}"`);
  dashboard.builds = to;
}

/** A build's log file in storage, `bytes` long, with its row's size to match (the build page shows the log). */
export async function writeLogFile(client: pg.Client, artifactDir: string, buildId: string, bytes: number): Promise<void> {
  const { rows } = await client.query<{ storageKey: string }>(`SELECT "storageKey" FROM "Artifact" WHERE "buildId" = $1 AND kind = 'LOG'`, [buildId]);
  const line = "realising /nix/store/0123456789abcdfghijklmnpqrsvwxyz-busybox-1.36.1.drv\n";
  const file = join(artifactDir, rows[0]!.storageKey);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes));
  await client.query(`UPDATE "Artifact" SET "sizeBytes" = $1 WHERE "buildId" = $2 AND kind = 'LOG'`, [bytes, buildId]);
}

/** A size record as a real build host sends it (parts with their .debs): `grown` adds a package and changes a version. */
function sizeRecord(grown: boolean) {
  const deb = (name: string, version: string) => ({ name, version });
  const part = (kind: string, name: string, version: string | null, bytes: number, files: number, debs: { name: string; version: string }[]) => ({
    kind,
    name,
    version,
    bytes,
    files,
    debs,
  });
  const parts = [
    part("base", "glibc", "2.36-9+deb12u13", 12_400_000, 310, [deb("libc6", "2.36-9+deb12u13"), deb("busybox", "1:1.35.0-4+b7")]),
    part("kernel", "generic", "6.1.158-1", 8_100_000, 1, [deb("linux-image-6.1.0-41-amd64", "6.1.158-1")]),
    part("modules", "generic", "6.1.158-1", 5_300_000, 96, [deb("linux-image-6.1.0-41-amd64", "6.1.158-1")]),
    part("bootloader", "grub", "2.06-13+deb12u1", 3_900_000, 280, [deb("grub-efi-amd64-bin", "2.06-13+deb12u1"), deb("grub-pc-bin", "2.06-13+deb12u1")]),
    part("shell", "busybox", "1:1.35.0-4+b7", 0, 0, []),
    part("ssh", "openssh", "1:9.2p1-2+deb12u7", 4_200_000, 40, [deb("openssh-server", "1:9.2p1-2+deb12u7"), deb("libssl3", "3.0.17-1~deb12u3")]),
    part("package", "jq", grown ? "1.6-2.1+deb12u3" : "1.6-2.1+deb12u2", 420_000, 9, [
      deb("jq", "1.6-2.1+deb12u3"),
      deb("libjq1", "1.6-2.1+deb12u3"),
      deb("libonig5", "6.9.8-1"),
    ]),
    part("package", "tmux", "3.3a-3", 1_100_000, 12, [deb("tmux", "3.3a-3"), deb("libevent-core-2.1-7", "2.1.12-stable-8")]),
    part("package", "htop", "3.2.2-2", 390_000, 14, [deb("htop", "3.2.2-2"), deb("libnl-3-200", "3.7.0-0.2+b1")]),
    part("package", "curl", "7.88.1-10+deb12u14", 2_600_000, 30, [deb("curl", "7.88.1-10+deb12u14"), deb("libcurl4", "7.88.1-10+deb12u14")]),
    ...(grown
      ? [part("package", "vim", "2:9.0.1378-2+deb12u2", 3_700_000, 1900, [deb("vim", "2:9.0.1378-2+deb12u2"), deb("vim-runtime", "2:9.0.1378-2+deb12u2")])]
      : []),
    part("customizations", "customizations", null, 12_000, 6, []),
  ];
  const uncompressedBytes = parts.reduce((sum, p) => sum + p.bytes, 0);
  return { compressedBytes: Math.round(uncompressedBytes * 0.55), uncompressedBytes, parts };
}

/**
 * Gives a build, and the previous succeeded build of its profile, size records (the seeded builds have none), so the
 * measured build page draws what a real one does: the size bar, the parts table and the diff.
 */
export async function writeSizeRecords(client: pg.Client, buildId: string): Promise<void> {
  const { rows } = await client.query<{ id: string }>(
    `SELECT p.id FROM "Build" b JOIN "ProfileRevision" r ON r.id = b."revisionId",
       LATERAL (SELECT pb.id FROM "Build" pb JOIN "ProfileRevision" pr ON pr.id = pb."revisionId"
         WHERE pb."requestedById" = b."requestedById" AND pr."profileId" = r."profileId" AND pb.status = 'SUCCEEDED' AND pb."finishedAt" < b."finishedAt"
         ORDER BY pb."finishedAt" DESC LIMIT 1) p
     WHERE b.id = $1`,
    [buildId],
  );
  const set = `UPDATE "Build" SET result = result || jsonb_build_object('sizes', $2::jsonb) WHERE id = $1`;
  await client.query(set, [buildId, JSON.stringify(sizeRecord(true))]);
  if (rows[0]) await client.query(set, [rows[0].id, JSON.stringify(sizeRecord(false))]);
}
