// The zxcv CLI does not trust the server: against a stub server that misbehaves (the allowed use of a stub: to
// simulate a fault), it writes the ISO only to a safe name in the chosen folder, keeps its token from other origins,
// neutralises terminal escape sequences in log lines, and rides through 500s and dropped streams while following.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { runCli } from "@/test/support/cli";

const TOKEN = "zxcv_hostile-test-token";
const ISO = Buffer.from("not really an ISO, but bytes with a known sha256\n");
const SHA = createHash("sha256").update(ISO).digest("hex");
const home = mkdtempSync(path.join(os.tmpdir(), "zxcv-cli-hostile-"));
const seen: { path: string; authorization?: string; lastEventId?: string }[] = [];
const elsewhere: { path: string; authorization?: string }[] = [];
let server: Server;
let other: Server;
let baseUrl: string;
let otherUrl: string;
let state = { buildRequests: 0, eventConnections: 0 };

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
const build = (id: string, status: string, iso: Record<string, unknown> | null = null) => ({
  id,
  status,
  phase: null,
  progress: null,
  failureReason: status === "FAILED" ? "boot test failed\u001b[2J" : null,
  iso,
});

function hostile(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? "/";
  seen.push({ path: url, authorization: req.headers.authorization, lastEventId: req.headers["last-event-id"] as string | undefined });
  const iso = (fileName: string, downloadUrl: string) => ({ id: "iso1", fileName, sizeBytes: ISO.length, sha256: SHA, downloadUrl });
  if (url === "/api/v1/builds/traversal") return json(res, 200, build("traversal", "SUCCEEDED", iso("../../.bashrc", "/api/artifacts/iso1")));
  if (url === "/api/v1/builds/exfiltrate") return json(res, 200, build("exfiltrate", "SUCCEEDED", iso("a.iso", `${otherUrl}/steal`)));
  if (url === "/api/artifacts/iso1") {
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(ISO.length) });
    return void res.end(ISO);
  }
  if (url === "/api/v1/builds/outage") {
    // The database restarts: a few 500s while the build goes on, then the build has succeeded.
    state.buildRequests++;
    if (state.buildRequests >= 2 && state.buildRequests <= 4)
      return json(res, 500, { error: { code: "INTERNAL", message: "Something went wrong on the server" } });
    return json(res, 200, build("outage", state.eventConnections >= 3 ? "SUCCEEDED" : "RUNNING"));
  }
  if (url === "/api/v1/builds/outage/events") {
    state.eventConnections++;
    if (state.eventConnections === 2) return json(res, 503, { error: { code: "UNAVAILABLE", message: "The database is unreachable" } });
    res.writeHead(200, { "content-type": "text/event-stream" });
    if (state.eventConnections === 1) {
      // One line with escape sequences (a title change, a colour, a bell), then the connection drops.
      res.write(`id: 1-0\nevent: line\ndata: ${JSON.stringify({ text: "one \u001b]0;owned\u0007\u001b[31mred\u009b" })}\n\n`);
      return void setImmediate(() => res.destroy());
    }
    res.write(`id: 2-0\nevent: line\ndata: ${JSON.stringify({ text: "two" })}\n\n`);
    res.end(`event: end\ndata: ${JSON.stringify({ status: "SUCCEEDED" })}\n\n`);
    return;
  }
  if (url === "/api/v1/builds/failing") return json(res, 200, build("failing", "FAILED"));
  if (url === "/api/v1/builds/failing/events") {
    res.writeHead(200, { "content-type": "text/event-stream" });
    return void res.end(`event: end\ndata: ${JSON.stringify({ status: "FAILED" })}\n\n`);
  }
  json(res, 404, { error: { code: "NOT_FOUND", message: "No such thing" } });
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const s = createServer(handler);
    s.listen(0, "127.0.0.1", () => resolve({ server: s, url: `http://127.0.0.1:${(s.address() as { port: number }).port}` }));
  });
}

before(async () => {
  ({ server, url: baseUrl } = await listen(hostile));
  ({ server: other, url: otherUrl } = await listen((req, res) => {
    elsewhere.push({ path: req.url ?? "", authorization: req.headers.authorization });
    res.end("thanks");
  }));
});

after(() => {
  server.close();
  other.close();
  rmSync(home, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(args, { home, env: { ZXCV_URL: baseUrl, ZXCV_TOKEN: TOKEN }, timeoutMs: 120_000 });

test("a server's fileName of ../../.bashrc is written as a plain name inside the chosen folder, nowhere else", async () => {
  const folder = path.join(home, "downloads", "isos");
  await import("node:fs/promises").then((fs) => fs.mkdir(folder, { recursive: true }));
  const run = await cli(["download", "traversal", "-o", folder]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(readdirSync(folder), ["bashrc"]);
  assert.deepEqual(readFileSync(path.join(folder, "bashrc")), ISO);
  assert.equal(existsSync(path.join(home, ".bashrc")), false, "nothing written above the chosen folder");
  assert.equal(existsSync(path.join(home, "downloads", ".bashrc")), false);
});

test("a downloadUrl on another origin is refused and the token is never sent there", async () => {
  const run = await cli(["download", "exfiltrate", "-o", path.join(home, "x.iso")]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /link to another site \(http:\/\/127\.0\.0\.1:\d+\); not sending your token there/);
  assert.deepEqual(elsewhere, [], "the other origin got no request at all");
  assert.equal(existsSync(path.join(home, "x.iso")), false);
});

test("follow rides through 500s and a dropped stream, resumes from the last event id, prints each line once, safely, and exits with the build's outcome", async () => {
  state = { buildRequests: 0, eventConnections: 0 };
  const run = await cli(["follow", "outage"]);
  assert.equal(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.deepEqual(
    run.stdout.split("\n").filter((l) => /^(one|two)/.test(l)),
    ["one ^[]0;owned^G^[[31mred\\x9b", "two"],
  );
  assert.doesNotMatch(run.stdout + run.stderr, /[\u0007\u001b\u009b]/, "no raw escape sequence reaches the terminal");
  assert.match(run.stderr, /retrying \(the build goes on meanwhile\)/);
  const resumed = seen.filter((r) => r.path === "/api/v1/builds/outage/events").map((r) => r.lastEventId);
  assert.deepEqual(resumed, [undefined, "1-0", "1-0"], "reconnects send the last event id seen");
  assert.match(run.stdout, /build outage succeeded/);
  assert.ok(seen.every((r) => r.authorization === `Bearer ${TOKEN}`));
});

test("follow of a failed build exits 3 with the reason, its escape sequences neutralised", async () => {
  const run = await cli(["follow", "failing"]);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /build failing failed: boot test failed\^\[\[2J/);
});
