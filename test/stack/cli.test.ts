// The zxcv CLI end to end against the running stack (app + local build host): login, push, build --follow,
// download and verify. Then a second person gets 404 for each of the first one's objects through pages, the
// REST API, the log stream and downloads, and a revoked token stops working at once.
// Run: npm test (it starts the stack and sets BASE_URL and DATABASE_URL).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { getDb } from "@/lib/db";
import { deletePeople, makePerson, type TestPerson } from "@/test/support/accounts";
import { requireBaseUrl, runCli } from "@/test/support/cli";

let baseUrl: string;
let home: string;
let a: TestPerson;
let b: TestPerson;
const made = { machineId: "", profileId: "", buildId: "", isoId: "", sha256: "" };

before(async () => {
  baseUrl = requireBaseUrl();
  home = await mkdtemp(path.join(tmpdir(), "zxcv-cli-"));
  a = await makePerson("alice");
  b = await makePerson("bob");
});

after(async () => {
  await deletePeople([a, b]);
  await getDb().$disconnect();
  if (home) await rm(home, { recursive: true, force: true });
});

const PROFILE = [
  "# my laptop, for the CLI test",
  "channel = mini",
  "bootloader = isolinux",
  "shell = busybox",
  "kernel = generic",
  "compression = gzip",
  "network = none",
  "ssh = none",
  "package = jq",
  "",
].join("\n");

async function api(pathname: string, person: TestPerson | undefined, init: RequestInit & { cookie?: boolean } = {}) {
  const headers = new Headers(init.headers);
  if (person && init.cookie) headers.set("cookie", person.sessionCookie);
  else if (person) headers.set("authorization", `Bearer ${person.token}`);
  return fetch(`${baseUrl}${pathname}`, { ...init, headers, redirect: "manual" });
}

test("zxcv: login, push, build --follow, download and verify", { timeout: 20 * 60_000 }, async () => {
  const login = await runCli(["login", "--url", baseUrl, "--token", a.token], { home });
  assert.equal(login.code, 0, login.stderr);
  assert.match(login.stdout, /logged in .* as alice/);
  const config = path.join(home, ".config", "zxcv", "config.json");
  assert.equal((await stat(config)).mode & 0o777, 0o600, "the token is stored readable by its owner only");

  const file = path.join(home, "laptop.zxcv");
  await writeFile(file, PROFILE);
  const push = await runCli(["push", file, "--machine", "thinkpad"], { home });
  assert.equal(push.code, 0, push.stderr);
  assert.match(push.stdout, /created machine thinkpad/);
  const created = /created profile (\S+) \(thinkpad \/ laptop\): revision 1, config ([0-9a-f]{64})/.exec(push.stdout);
  assert.ok(created, push.stdout);
  made.profileId = created[1]!;

  const again = await runCli(["push", file, "--machine", "thinkpad"], { home });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /unchanged profile .*revision 1/, "pushing the same file saves nothing new");

  const typo = path.join(home, "typo.zxcv");
  await writeFile(typo, PROFILE.replace("shell = busybox", "shell busybox"));
  const bad = await runCli(["push", typo, "--machine", "thinkpad", "--profile", "laptop"], { home });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^zxcv: .*line 4: expected "name = value"/m);

  const build = await runCli(["build", made.profileId, "--follow"], { home });
  assert.equal(build.code, 0, `build failed:\n${build.stdout}\n${build.stderr}`);
  const queued = /build (\S+): (queued|running|succeeded)/.exec(build.stdout);
  assert.ok(queued, build.stdout);
  made.buildId = queued[1]!;
  const done = /build \S+ succeeded: (\S+), (\d+) bytes, sha256 ([0-9a-f]{64})/.exec(build.stdout);
  assert.ok(done, `no success line:\n${build.stdout}`);
  made.sha256 = done[3]!;
  assert.match(done[1]!, /^thinkpad-laptop-r1-x86_64(-[a-z0-9]+)?\.iso$/, "the ISO is named <machine>-<profile>-r<revision>-<arch>.iso");
  if (!/an identical build already made this ISO/.test(build.stdout)) {
    assert.match(build.stderr, /^== (preparing|evaluating|realising)/m, "phases are printed as lines without a TTY");
    assert.ok(build.stdout.split("\n").length > 10, "the log streamed into the terminal");
  }

  const iso = path.join(home, "out.iso");
  const download = await runCli(["download", made.buildId, "-o", iso], { home });
  assert.equal(download.code, 0, download.stderr);
  assert.match(download.stdout, /\(verified\)/);
  const bytes = await readFile(iso);
  assert.equal(createHash("sha256").update(bytes).digest("hex"), made.sha256);
  assert.equal(bytes.length, Number(done[2]));

  // An interrupted download leaves FILE.part; the same command resumes it with a Range request.
  const resumed = path.join(home, "resumed.iso");
  await writeFile(`${resumed}.part`, bytes.subarray(0, 1_000_000));
  const resume = await runCli(["download", made.buildId, "-o", resumed], { home });
  assert.equal(resume.code, 0, resume.stderr);
  assert.match(resume.stderr, /resuming .* from 1000000 bytes/);
  assert.ok((await readFile(resumed)).equals(bytes));

  const detail = (await (await api(`/api/v1/builds/${made.buildId}`, a)).json()) as { iso: { id: string }; profileId: string };
  made.isoId = detail.iso.id;
  const profile = (await (await api(`/api/v1/profiles/${made.profileId}`, a)).json()) as { machineId: string };
  made.machineId = profile.machineId;
});

test("zxcv download refuses a file whose sha256 does not match, and keeps nothing", async () => {
  const payload = Buffer.from("not the ISO you are looking for");
  const server = createServer((request, response) => {
    if (request.url === "/api/v1/builds/b1") {
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({
          id: "b1",
          status: "SUCCEEDED",
          iso: { id: "i1", fileName: "x.iso", sizeBytes: payload.length, sha256: "0".repeat(64), downloadUrl: "/dl" },
        }),
      );
    } else if (request.url === "/dl") response.end(payload);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as { port: number }).port;
    const target = path.join(home, "tampered.iso");
    const run = await runCli(["download", "b1", "-o", target], { home, env: { ZXCV_URL: `http://127.0.0.1:${port}`, ZXCV_TOKEN: "zxcv_fake" } });
    assert.equal(run.code, 4);
    assert.match(run.stderr, /sha256 mismatch/);
    await assert.rejects(stat(target));
    await assert.rejects(stat(`${target}.part`));
  } finally {
    server.close();
  }
});

test("B gets 404 for each of A's objects through pages, REST, the log stream and downloads", async () => {
  assert.ok(made.buildId && made.isoId, "needs the build of the previous test");
  const pages = [
    `/machines/${made.machineId}`,
    `/machines/${made.machineId}/profiles/${made.profileId}`,
    `/machines/${made.machineId}/profiles/${made.profileId}/history`,
    `/builds/${made.buildId}`,
  ];
  for (const page of pages) {
    const mine = await api(page, a, { cookie: true });
    assert.equal(mine.status, 200, `A sees ${page}`);
    const theirs = await api(page, b, { cookie: true });
    assert.equal(theirs.status, 404, `B must get 404 for ${page}, got ${theirs.status}`);
    assert.doesNotMatch(await theirs.text(), /thinkpad/, `${page} must not show A's machine to B`);
  }
  const rest = [
    `/api/v1/machines/${made.machineId}`,
    `/api/v1/profiles/${made.profileId}`,
    `/api/v1/profiles/${made.profileId}/text`,
    `/api/v1/profiles/${made.profileId}/revisions`,
    `/api/v1/builds/${made.buildId}`,
    `/api/v1/builds/${made.buildId}/log`,
    `/api/v1/builds/${made.buildId}/events`,
    `/api/v1/isos/${made.isoId}/download`,
  ];
  for (const url of rest) {
    assert.equal((await api(url, a)).status, 200, `A gets ${url}`);
    for (const asCookie of [false, true]) {
      const response = await api(url, b, { cookie: asCookie });
      assert.equal(response.status, 404, `B (${asCookie ? "session" : "token"}) must get 404 for ${url}, got ${response.status}`);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, "NOT_FOUND");
    }
  }
  // The pages' own endpoints: the session SSE log and the download by id (with a Range, as a resuming client sends).
  assert.equal((await api(`/api/builds/${made.buildId}/events`, b, { cookie: true })).status, 404);
  assert.equal((await api(`/api/artifacts/${made.isoId}`, b, { cookie: true, headers: { range: "bytes=0-99" } })).status, 404);
  const partial = await api(`/api/artifacts/${made.isoId}`, a, { cookie: true, headers: { range: "bytes=0-99" } });
  assert.equal(partial.status, 206, "A resumes the same download");
  await partial.arrayBuffer();
  const cancel = await api(`/api/v1/builds/${made.buildId}/cancel`, b, { method: "POST" });
  assert.equal(cancel.status, 404);
  const listB = (await (await api("/api/v1/isos", b)).json()) as { isos: unknown[] };
  assert.deepEqual(listB.isos, []);
  const sums = await (await api("/api/v1/isos/SHA256SUMS", b)).text();
  assert.doesNotMatch(sums, new RegExp(made.sha256));
});

test("a revoked token stops working at once, through the CLI too", async () => {
  // Tokens are created signed in (a token cannot mint tokens).
  const created = await api("/api/v1/tokens", a, {
    method: "POST",
    cookie: true,
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ name: "short-lived" }),
  });
  assert.equal(created.status, 201);
  const { token, apiToken } = (await created.json()) as { token: string; apiToken: { id: string } };
  const env = { ZXCV_URL: baseUrl, ZXCV_TOKEN: token };
  assert.equal((await runCli(["download", made.buildId, "-o", path.join(home, "again.iso")], { home, env })).code, 0);
  const revoke = await api(`/api/v1/tokens/${apiToken.id}`, a, { method: "DELETE" });
  assert.equal(revoke.status, 200);
  const after = await fetch(`${baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(after.status, 401);
  const cli = await runCli(["download", made.buildId, "-o", path.join(home, "denied.iso")], { home, env });
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /^zxcv: This API token is not valid/m);
});
