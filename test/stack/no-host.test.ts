// No build waits for nobody: a build for an arch with no online host (aarch64 here: the stack's host is x86_64)
// is still queued, and the API answer, the CLI and the build page say why it waits.
// Run: npm test -- test/stack/no-host
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { getDb } from "@/lib/db";
import { deletePeople, makePerson, type TestPerson } from "@/test/support/accounts";
import { requireBaseUrl, runCli } from "@/test/support/cli";

let baseUrl: string;
let person: TestPerson;
let home: string;

before(async () => {
  baseUrl = requireBaseUrl();
  person = await makePerson("armless");
  home = await mkdtemp(path.join(tmpdir(), "zxcv-no-host-"));
});

after(async () => {
  await deletePeople([person]);
  await getDb().$disconnect();
  await rm(home, { recursive: true, force: true });
});

// The nixos channel builds for aarch64 too (mini is x86_64 only).
const ARM_PROFILE = ["channel = nixos", "boot = hybrid", "shell = bash", "kernel = lts", "audio = none", "desktop = none", "compression = zstd", ""].join("\n");
const PROFILE = [
  "channel = mini",
  "bootloader = isolinux",
  "shell = busybox",
  "kernel = generic",
  "compression = gzip",
  "network = none",
  "ssh = none",
  "",
].join("\n");

test("a build for aarch64 with no aarch64 host online is queued, and the CLI, the API and the build page say no host of that arch is online", async () => {
  const file = path.join(home, "arm.zxcv");
  await writeFile(file, ARM_PROFILE);
  const env = { ZXCV_URL: baseUrl, ZXCV_TOKEN: person.token };
  const build = await runCli(["build", "--file", file, "--machine", "pi", "--arch", "aarch64"], { home, env, timeoutMs: 120_000 });
  assert.equal(build.code, 0, build.stderr);
  const buildId = /build (\S+): queued/.exec(build.stdout)?.[1];
  assert.ok(buildId, build.stdout);
  assert.match(build.stderr, /No build host for aarch64 is online: the build waits in the queue and starts when one connects/);

  const headers = { authorization: `Bearer ${person.token}` };
  const api = (await (await fetch(`${baseUrl}/api/v1/builds/${buildId}`, { headers })).json()) as { status: string; waitingReason: string | null };
  assert.equal(api.status, "QUEUED", "it is still queued");
  assert.match(api.waitingReason ?? "", /No build host for aarch64 is online/);

  const page = await fetch(`${baseUrl}/builds/${buildId}`, { headers: { cookie: person.sessionCookie } });
  const html = await page.text();
  assert.match(html, /data-testid="waiting-reason"/);
  assert.match(html, /No build host for aarch64 is online/);

  // An x86_64 build on the same stack has a host: no such notice.
  const x86File = path.join(home, "laptop.zxcv");
  await writeFile(x86File, PROFILE);
  const x86 = await runCli(["build", "--file", x86File, "--machine", "laptop"], { home, env, timeoutMs: 120_000 });
  assert.equal(x86.code, 0, x86.stderr);
  assert.doesNotMatch(x86.stderr, /No build host/);
  const x86Id = /build (\S+): /.exec(x86.stdout)![1];
  for (const id of [buildId, x86Id]) await fetch(`${baseUrl}/api/v1/builds/${id}/cancel`, { method: "POST", headers });
});
