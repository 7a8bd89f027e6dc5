// Downloads as browsers and download tools see them on the running stack: the raw response headers (read over a
// plain http.request, which shows framing that fetch hides), conditional requests, and real clients resuming.
// Run: npm test -- test/stack/downloads (it starts the stack and sets BASE_URL).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { chromium } from "@playwright/test";
import { artifactFileName } from "@/lib/artifacts/names";
import { getArtifactStorage, storageKeyFor } from "@/lib/artifacts/storage";
import { getDb } from "@/lib/db";
import { deletePeople, makePerson, type TestPerson } from "@/test/support/accounts";
import { requireBaseUrl } from "@/test/support/cli";
import { makeRevisions } from "@/test/integration/builds/fixtures";

let baseUrl: string;
let owner: TestPerson;
let stranger: TestPerson;
const iso = { id: "", buildId: "", bytes: Buffer.alloc(0), sha256: "", fileName: "", shareToken: "" };
const work = mkdtempSync(path.join(os.tmpdir(), "zxcv-downloads-"));

before(async () => {
  baseUrl = requireBaseUrl();
  owner = await makePerson("downloader");
  stranger = await makePerson("stranger");
  const [revisionId] = await makeRevisions(owner.actor, 1);
  const db = getDb();
  iso.shareToken = randomBytes(18).toString("base64url");
  const build = await db.build.create({
    data: {
      revisionId: revisionId!,
      requestedById: owner.actor.id,
      status: "SUCCEEDED",
      arch: "x86_64",
      channel: "mini",
      channelRevision: "r",
      configHash: "h",
      finishedAt: new Date(),
      shareToken: iso.shareToken,
    },
  });
  // 6 MiB of random bytes stored as the build's ISO, the way an upload stores it.
  iso.bytes = randomBytes(6 * 1024 * 1024 + 123);
  iso.sha256 = createHash("sha256").update(iso.bytes).digest("hex");
  const key = storageKeyFor({ buildId: build.id, attempt: 1, kind: "ISO" });
  await getArtifactStorage().put(key, Readable.from([iso.bytes]), { sizeBytes: iso.bytes.length, sha256: iso.sha256 });
  iso.fileName = await artifactFileName({ buildId: build.id, kind: "ISO" });
  const artifact = await db.artifact.create({
    data: { buildId: build.id, kind: "ISO", fileName: iso.fileName, sizeBytes: BigInt(iso.bytes.length), sha256: iso.sha256, storageKey: key },
  });
  iso.id = artifact.id;
  iso.buildId = build.id;
});

after(async () => {
  await deletePeople([owner, stranger]);
  await getDb().$disconnect();
  rmSync(work, { recursive: true, force: true });
});

type Raw = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** One request over a plain socket: the headers exactly as sent (Transfer-Encoding included). */
function raw(pathname: string, { method = "GET", headers = {} }: { method?: string; headers?: Record<string, string> } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}${pathname}`, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on("error", reject);
    request.end();
  });
}

const bearer = (person: TestPerson) => ({ authorization: `Bearer ${person.token}` });

test("an ISO download has its size, validators and readable name on 200, 206 and HEAD, not chunked", async () => {
  const whole = await raw(`/api/artifacts/${iso.id}`, { headers: bearer(owner) });
  assert.equal(whole.status, 200);
  assert.equal(whole.headers["content-length"], String(iso.bytes.length));
  assert.equal(whole.headers["transfer-encoding"], undefined, "a browser needs Content-Length to show size and progress");
  assert.equal(whole.headers["accept-ranges"], "bytes");
  assert.equal(whole.headers.etag, `"${iso.sha256}"`);
  assert.ok(whole.headers["last-modified"], "Last-Modified is set");
  assert.equal(whole.headers["content-disposition"], `attachment; filename="${iso.fileName}"`);
  assert.match(iso.fileName, /^m-[0-9a-f]{8}-p-r1-x86_64\.iso$/, "named <machine>-<profile>-r<revision>-<arch>.iso");
  assert.equal(createHash("sha256").update(whole.body).digest("hex"), iso.sha256);

  const head = await raw(`/api/v1/isos/${iso.id}/download`, { method: "HEAD", headers: bearer(owner) });
  assert.equal(head.status, 200);
  assert.equal(head.headers["content-length"], String(iso.bytes.length));
  assert.equal(head.headers["transfer-encoding"], undefined);
  assert.equal(head.headers["x-content-sha256"], iso.sha256);
  assert.equal(head.body.length, 0);

  const part = await raw(`/api/artifacts/${iso.id}`, { headers: { ...bearer(owner), range: "bytes=100-1099" } });
  assert.equal(part.status, 206);
  assert.equal(part.headers["content-length"], "1000");
  assert.equal(part.headers["content-range"], `bytes 100-1099/${iso.bytes.length}`);
  assert.equal(part.headers["transfer-encoding"], undefined);
  assert.deepEqual(part.body, iso.bytes.subarray(100, 1100));

  const outside = await raw(`/api/artifacts/${iso.id}`, { headers: { ...bearer(owner), range: `bytes=${iso.bytes.length + 10}-` } });
  assert.equal(outside.status, 416);
  assert.equal(outside.headers["content-range"], `bytes */${iso.bytes.length}`);
});

test("conditional requests: If-None-Match and If-Modified-Since answer 304, If-Range with a stale validator sends the whole file", async () => {
  const first = await raw(`/api/artifacts/${iso.id}`, { method: "HEAD", headers: bearer(owner) });
  const notModified = await raw(`/api/artifacts/${iso.id}`, { headers: { ...bearer(owner), "if-none-match": `"${iso.sha256}"` } });
  assert.equal(notModified.status, 304);
  assert.equal(notModified.body.length, 0);
  const since = await raw(`/api/artifacts/${iso.id}`, { headers: { ...bearer(owner), "if-modified-since": String(first.headers["last-modified"]) } });
  assert.equal(since.status, 304);
  const fresh = await raw(`/api/artifacts/${iso.id}`, { headers: { ...bearer(owner), range: "bytes=0-9", "if-range": `"${iso.sha256}"` } });
  assert.equal(fresh.status, 206);
  const stale = await raw(`/api/artifacts/${iso.id}`, { headers: { ...bearer(owner), range: "bytes=0-9", "if-range": '"another-version"' } });
  assert.equal(stale.status, 200);
  assert.equal(stale.headers["content-length"], String(iso.bytes.length));
});

test("authorization is as strict as before: a stranger, no token and a bad token get 404/401; the share link serves the same headers", async () => {
  assert.equal((await raw(`/api/artifacts/${iso.id}`, { headers: bearer(stranger) })).status, 404);
  assert.equal((await raw(`/api/v1/isos/${iso.id}/download`, { method: "HEAD", headers: bearer(stranger) })).status, 404);
  const anonymous = await raw(`/api/artifacts/${iso.id}`);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers["content-length"], String(anonymous.body.length));
  assert.match(JSON.parse(anonymous.body.toString()).error.message, /Sign in/);
  assert.equal((await raw(`/api/artifacts/${iso.id}`, { headers: { authorization: "Bearer zxcv_not-a-token" } })).status, 401);
  assert.equal((await raw(`/api/artifacts/${iso.id}`, { headers: { cookie: stranger.sessionCookie } })).status, 404);
  assert.equal((await raw(`/api/artifacts/${iso.id}`, { method: "HEAD", headers: { cookie: owner.sessionCookie } })).status, 200);
  assert.equal((await raw(`/share/iso/not-${iso.shareToken}/download`)).status, 404);
  const shared = await raw(`/share/iso/${iso.shareToken}/download`, { method: "HEAD" });
  assert.equal(shared.status, 200);
  assert.equal(shared.headers["content-length"], String(iso.bytes.length));
  assert.equal(shared.headers["referrer-policy"], "no-referrer");
});

/** Half the file on disk, as an interrupted download leaves it. */
function halfDownloaded(name: string): string {
  const file = path.join(work, name);
  writeFileSync(file, iso.bytes.subarray(0, Math.floor(iso.bytes.length / 2)));
  return file;
}

function sha256Of(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

test("curl -C -, wget -c and aria2c -x4 resume an interrupted download and the file verifies", () => {
  const url = `${baseUrl}/api/artifacts/${iso.id}`;
  const auth = `Authorization: Bearer ${owner.token}`;
  const curlFile = halfDownloaded("curl.iso");
  const curlHeaders = execFileSync("curl", ["-sS", "-f", "-C", "-", "-H", auth, "-D", "-", "-o", curlFile, url], { encoding: "utf8" });
  assert.match(curlHeaders, /^HTTP\/1\.1 206/m, "curl resumed with a range");
  assert.equal(sha256Of(curlFile), iso.sha256);

  const wgetFile = halfDownloaded("wget.iso");
  execFileSync("wget", ["-q", "-c", "--header", auth, "-O", wgetFile, url]);
  assert.equal(statSync(wgetFile).size, iso.bytes.length);
  assert.equal(sha256Of(wgetFile), iso.sha256);

  const aria = path.join(work, "aria");
  execFileSync("aria2c", ["-q", "-x4", "-s4", "--min-split-size=1M", "--header", auth, "-d", aria, url]);
  // aria2c names the file from Content-Disposition.
  assert.equal(sha256Of(path.join(aria, iso.fileName)), iso.sha256);
  const ariaFile = path.join(aria, "resumed.iso");
  writeFileSync(ariaFile, iso.bytes.subarray(0, 1024 * 1024));
  execFileSync("aria2c", ["-q", "-c", "-x4", "--header", auth, "-d", aria, "-o", "resumed.iso", url]);
  assert.equal(sha256Of(ariaFile), iso.sha256);
});

test("Chromium, signed in, downloads the ISO from the build page knowing its size (what its progress and time left need) and under its readable name", async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    await context.addCookies([{ name: "zxcv_session", value: owner.sessionCookie.split("=")[1]!, url: baseUrl }]);
    const page = await context.newPage();
    // The browser's own download events: totalBytes is what its download UI shows (0 when the size is unknown).
    const cdp = await browser.newBrowserCDPSession();
    // Events only: Playwright's own per-context setting decides where the file goes (download.path()).
    await cdp.send("Browser.setDownloadBehavior", { behavior: "allowAndName", downloadPath: path.join(work, "browser"), eventsEnabled: true });
    const progress: { totalBytes: number; state: string; guid: string }[] = [];
    let suggested = "";
    cdp.on("Browser.downloadWillBegin", (event: { suggestedFilename: string }) => (suggested = event.suggestedFilename));
    const finished = new Promise<void>((resolve) =>
      cdp.on("Browser.downloadProgress", (event: { totalBytes: number; state: string; guid: string }) => {
        progress.push(event);
        if (event.state !== "inProgress") resolve();
      }),
    );
    await page.goto(`${baseUrl}/builds/${iso.buildId}`);
    const downloading = page.waitForEvent("download");
    await page.getByTestId("iso-download").click();
    const download = await downloading;
    await finished;
    assert.equal(progress.at(-1)!.state, "completed");
    assert.equal(suggested, iso.fileName);
    assert.equal(download.suggestedFilename(), iso.fileName);
    assert.ok(
      progress.every((p) => p.totalBytes === iso.bytes.length),
      `the browser knew the size from the start: ${JSON.stringify(progress.map((p) => p.totalBytes))}`,
    );
    assert.equal(sha256Of((await download.path())!), iso.sha256);
  } finally {
    await browser.close();
  }
});
