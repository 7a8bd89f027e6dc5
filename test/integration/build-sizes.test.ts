// Size records and diffs from REAL engine builds (Nix, and the QEMU boot test where the app needs one) on real
// PostgreSQL and Redis: two builds of one profile through the app (a package added, one removed), the REST answers,
// the budget, `zxcv diff`, the result check against tampered sizes, and a package upgraded between two channel
// revisions (a copy of the engine whose lock pins the older Debian version apt still offers).
// Run: DATABASE_URL=... REDIS_URL=... node --import tsx --test --test-concurrency=1 test/integration/build-sizes.test.ts
import { startAppServer } from "./builds/harness";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { buildResultSchema, type BuildResult } from "@/contracts/build-result";
import { selectionHash, type Selection } from "@/contracts/selection";
import { diffSizes } from "@/contracts/size-diff";
import { createApiToken } from "@/lib/api-tokens";
import { createBuild } from "@/lib/builds";
import { checkResult } from "@/lib/builds/result-check";
import { getDb } from "@/lib/db";
import { closeQueues } from "@/lib/queue";
import { getRedis } from "@/lib/redis";
import { readAptSources, splitAptUrl } from "@/worker/engine/apt-mirror";
import { buildIso } from "@/worker/engine/build-iso";
import { readArchive, repoRoot, storeNameFor } from "@/worker/engine/channels";
import { startBuildHost } from "@/worker/host";
import { runCli } from "@/test/support/cli";
import { hostEnv, makeActor, waitForStatus } from "./builds/fixtures";

const roles = { bootloader: "isolinux", shell: "busybox", kernel: "generic", compression: "gzip", network: "none", ssh: "none" };
const first: Selection = { channel: "mini", roles, packages: ["jq", "tree"] };
const second: Selection = { channel: "mini", roles, packages: ["jq", "nano"] };

/** The REST answers, read as loosely as a script would. */
type Json = Record<string, any>;

let app: Awaited<ReturnType<typeof startAppServer>>;
before(async () => {
  app = await startAppServer();
});
after(async () => {
  await app.close();
  await closeQueues();
  getRedis().disconnect();
  await getDb().$disconnect();
});

test(
  "two real builds of a profile: sizes recorded and checked, the diff names the package added and removed, the budget what grew",
  { timeout: 900_000 },
  async () => {
    const alice = await makeActor("alice");
    const { token } = await createApiToken({ actor: alice, name: "sizes test" });
    const api = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${app.appUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } });
      return { status: response.status, body: (await response.json()) as Json };
    };
    const db = getDb();
    const machine = await db.machine.create({ data: { ownerId: alice.id, name: "sizes", arch: "x86_64" } });
    const profile = await db.profile.create({ data: { machineId: machine.id, name: "p", channel: "mini" } });
    const revisions = [];
    for (const [i, selection] of [first, second].entries()) {
      revisions.push(await db.profileRevision.create({ data: { profileId: profile.id, number: i + 1, selection, configHash: selectionHash(selection) } }));
    }
    const host = await startBuildHost({
      env: await hostEnv(app.appUrl, `sizes-${Date.now()}`),
      runBuild: (options) => buildIso(options),
      log: () => undefined,
    });
    const builds = [];
    try {
      // One after the other: the second's "previous successful build" is the first.
      for (const revision of revisions) {
        const build = await createBuild({ actor: alice, revisionId: revision.id });
        builds.push(await waitForStatus(build.id, "SUCCEEDED", 600_000));
      }
    } finally {
      await host.close();
    }
    const [one, two] = builds as [(typeof builds)[number], (typeof builds)[number]];
    const result = buildResultSchema.parse(two.result);
    assert.equal(result.version, 2);

    // The record as the REST API gives it: every part of the selection, versions from the generated catalog, parts summing up.
    const { status, body: record } = await api(`/api/v1/builds/${two.id}/sizes`);
    assert.equal(status, 200, JSON.stringify(record));
    const archive = readArchive();
    const versionOf = (name: string) => archive.packages[name]!.version;
    const parts = record.sizes.parts as { kind: string; name: string; version: string | null; bytes: number }[];
    assert.deepEqual(
      parts.filter((p) => p.kind === "package").map((p) => `${p.name} ${p.version}`),
      [`jq ${versionOf("jq")}`, `nano ${versionOf("nano")}`],
    );
    for (const [kind, name] of [
      ["kernel", "generic"],
      ["modules", "generic"],
      ["bootloader", "isolinux"],
      ["base", "glibc"],
      ["base", "base"],
    ]) {
      assert.ok(
        parts.some((p) => p.kind === kind && p.name === name && p.bytes > 0),
        `a ${kind} ${name} part with bytes`,
      );
    }
    assert.equal(record.sizes.compressedBytes, result.isoSizeBytes);
    assert.equal(
      parts.reduce((sum, p) => sum + p.bytes, 0),
      record.sizes.uncompressedBytes,
    );
    assert.ok(record.sizes.uncompressedBytes > record.sizes.compressedBytes, "the parts as staged are bigger than the compressed ISO");
    assert.equal(record.overBudgetBytes, null);

    // The diff against the previous successful build of the profile (the default), largest change first.
    const { body: comparison } = await api(`/api/v1/builds/${two.id}/diff`);
    assert.equal(comparison.against.buildId, one.id);
    const changes = comparison.diff.changes as {
      kind: string;
      name: string;
      change: string;
      deltaBytes: number;
      fromVersion: string | null;
      toVersion: string | null;
    }[];
    const packageChanges = changes.filter((c) => c.kind === "package").map((c) => `${c.change} ${c.name} ${c.fromVersion} ${c.toVersion}`);
    assert.deepEqual(packageChanges.sort(), [`added nano null ${versionOf("nano")}`, `removed tree ${versionOf("tree")} null`]);
    assert.ok(changes.find((c) => c.name === "nano")!.deltaBytes > 0 && changes.find((c) => c.name === "tree")!.deltaBytes < 0);
    const magnitudes = changes.map((c) => Math.abs(c.deltaBytes));
    assert.deepEqual(
      magnitudes,
      [...magnitudes].sort((a, b) => b - a),
    );
    assert.equal(comparison.diff.compressedDeltaBytes, result.isoSizeBytes - buildResultSchema.parse(one.result).isoSizeBytes);
    // Against a build the person picks, the other way round.
    const { body: reverse } = await api(`/api/v1/builds/${one.id}/diff?against=${two.id}`);
    assert.deepEqual(
      (reverse.diff.changes as { kind: string; change: string; name: string }[])
        .filter((c) => c.kind === "package")
        .map((c) => `${c.change} ${c.name}`)
        .sort(),
      ["added tree", "removed nano"],
    );
    assert.equal((await api(`/api/v1/builds/${two.id}/diff?against=nope`)).status, 404);

    // A budget one byte below the ISO: the build says it is over by one byte.
    const refused = await api(`/api/v1/profiles/${profile.id}/size-budget`, { method: "PUT", body: JSON.stringify({ budgetBytes: 0 }) });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /budgetBytes/);
    const budget = await api(`/api/v1/profiles/${profile.id}/size-budget`, { method: "PUT", body: JSON.stringify({ budgetBytes: result.isoSizeBytes - 1 }) });
    assert.deepEqual(budget.body, { profileId: profile.id, budgetBytes: result.isoSizeBytes - 1 });
    assert.equal((await api(`/api/v1/builds/${two.id}/sizes`)).body.overBudgetBytes, 1);

    // zxcv diff prints one line per change, largest first, and the budget.
    const home = mkdtempSync(join(tmpdir(), "zxcv-cli-sizes-"));
    const cli = await runCli(["diff", one.id, two.id], { home, env: { ZXCV_URL: app.appUrl, ZXCV_TOKEN: token } });
    assert.equal(cli.code, 0, cli.stderr);
    const lines = cli.stdout.trim().split("\n");
    assert.match(lines[0]!, new RegExp(`^build ${one.id} \\(r1\\) → build ${two.id} \\(r2\\): ISO [\\d.]+ MiB → [\\d.]+ MiB`));
    assert.ok(
      lines.some((l) => l.startsWith(`package nano: ∅ → ${versionOf("nano")}, +`)),
      cli.stdout,
    );
    assert.ok(lines.some((l) => l.startsWith(`package tree: ${versionOf("tree")} → ∅, -`)));
    assert.match(lines.at(-1)!, /^over the profile's size budget of [\d.]+ MiB by 1 B$/);

    // The host's sizes are a claim: ones that do not add up or name other parts are refused, each in words.
    const check = (sizes: unknown) =>
      checkResult({ result: { ...result, sizes }, build: two, selection: second, iso: { sha256: result.sha256, sizeBytes: result.isoSizeBytes } });
    assert.deepEqual(check(result.sizes), { ok: true, result });
    const tampered = check({
      ...result.sizes,
      parts: result.sizes.parts.map((p) => (p.name === "nano" ? { ...p, name: "htop", bytes: p.bytes - 1 } : p)),
    });
    assert.deepEqual(!tampered.ok && tampered.problems, [
      `its size parts add up to ${result.sizes.uncompressedBytes - 1} bytes, not the ${result.sizes.uncompressedBytes} it says`,
      "its sizes leave out the package nano",
      "its sizes name package htop, which the selection does not have",
    ]);
    const huge = check({ ...result.sizes, compressedBytes: 2 ** 40 });
    assert.ok(!huge.ok && huge.problems.some((p) => /^result\.sizes\.compressedBytes: /.test(p)), JSON.stringify(huge));
  },
);

test("a package upgraded between two channel revisions: the diff says its version changed, and which .debs", { timeout: 600_000 }, async () => {
  const older = olderEngine("jq");
  const before = await olderBuild(older.dir, first);
  const now = await buildIso({ selection: first, workDir: mkdtempSync(join(tmpdir(), "zxcv-sizes-now-")), bootTest: false });
  assert.ok(before.version === 2 && now.version === 2);
  const diff = diffSizes(before.sizes, now.sizes);
  const jq = diff.changes.find((c) => c.kind === "package" && c.name === "jq");
  assert.ok(jq, JSON.stringify(diff.changes));
  assert.equal(jq.change, "version");
  assert.equal(jq.fromVersion, older.from);
  assert.equal(jq.toVersion, older.to);
  assert.deepEqual(
    jq.debs.map((d) => d.name),
    older.changed.sort(),
  );
  // Nothing else of the selection changed.
  assert.deepEqual(
    diff.changes.map((c) => `${c.kind} ${c.name}`),
    ["package jq"],
  );
});

/**
 * A copy of the engine and its channel whose generated catalog pins `pkg` (and the packages of its closure at the same
 * version, built from the same source) at another version apt's index offers: a second channel revision, as an older
 * checkout of the channel would be.
 */
function olderEngine(pkg: string): { dir: string; from: string; to: string; changed: string[] } {
  const archive = readArchive();
  const pinned = archive.packages[pkg]!;
  const versions = execFileSync("apt-cache", ["madison", pkg], { encoding: "utf8" })
    .split("\n")
    .map((l) => l.split("|")[1]?.trim())
    .filter((v): v is string => Boolean(v) && v !== pinned.version);
  assert.ok(versions.length > 0, `apt's index offers only ${pkg} ${pinned.version}: this test needs a second version (bookworm and bookworm-security)`);
  const other = versions[0]!;
  const changed = [pkg, ...pinned.depends.filter((d) => archive.packages[d]?.version === pinned.version)];
  const packages = { ...archive.packages };
  for (const name of changed) {
    const { version, suite, path, size, sha256, installedBytes } = aptPin(name, other);
    packages[name] = { ...packages[name]!, version, suite, path, size, sha256, installedBytes };
  }
  const dir = mkdtempSync(join(tmpdir(), "zxcv-older-engine-"));
  for (const folder of ["worker", "contracts", "nix"]) cpSync(join(repoRoot, folder), join(dir, folder), { recursive: true });
  writeFileSync(join(dir, "package.json"), readFileSync(join(repoRoot, "package.json")));
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"));
  symlinkSync(join(repoRoot, ".state"), join(dir, ".state"));
  writeFileSync(join(dir, "nix/channels/mini/archive.json"), JSON.stringify({ ...archive, packages }));
  return { dir, from: other, to: pinned.version, changed };
}

/** What pin:mini would write for this version of a package (apt's signed index: URL, size, sha256). */
function aptPin(pkg: string, version: string) {
  const uri = execFileSync("apt-get", ["download", "--print-uris", `${pkg}=${version}`], { encoding: "utf8" });
  const m = /^'([^']+)' \S+ (\d+) SHA256:([0-9a-f]{64})$/m.exec(uri.trim());
  assert.ok(m, `apt-get download --print-uris ${pkg}=${version}: ${uri}`);
  const show = execFileSync("apt-cache", ["show", `${pkg}=${version}`], { encoding: "utf8" });
  const arch = /^Architecture: (.+)$/m.exec(show)![1]!;
  const where = splitAptUrl(readAptSources(), m[1]!);
  assert.ok(where, `${m[1]} matches no source in apt's configuration`);
  return {
    version,
    ...where,
    size: Number(m[2]),
    sha256: m[3]!,
    installedBytes: Number(/^Installed-Size: (\d+)$/m.exec(show)?.[1] ?? 0) * 1024,
    storeName: storeNameFor(pkg, version, arch),
  };
}

async function olderBuild(dir: string, selection: Selection): Promise<BuildResult> {
  const engine = (await import(pathToFileURL(join(dir, "worker/engine/build-iso.ts")).href)) as { buildIso: typeof buildIso };
  return engine.buildIso({ selection, workDir: join(dir, ".work"), bootTest: false });
}
