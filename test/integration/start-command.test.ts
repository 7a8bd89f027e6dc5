// Bad configuration makes `npm start` stop with one clear line and leaves nothing it started running.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { buildSync } from "esbuild";
import { freePort, isPortFree } from "../../scripts/stack/ports";
import { childEnv } from "../../scripts/stack/processes";
import { errorLines, runStartCommand } from "../support/start-command";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "zxcv-start-"));
// The embedded PostgreSQL runs as the OS user postgres, which must be able to reach its data directory.
chmodSync(stateDir, 0o755);
after(() => rmSync(stateDir, { recursive: true, force: true }));

test("a port in use is named in one line, with what to do", async () => {
  const blocker = net.createServer();
  const port = await freePort();
  await new Promise<void>((resolve) => blocker.listen(port, "0.0.0.0", resolve));
  try {
    const run = runStartCommand({ PORT: String(port), ZXCV_STATE_DIR: stateDir });
    assert.equal(await run.exited, 1);
    assert.deepEqual(errorLines(run.output()), [`[zxcv] error: port ${port} is in use: stop what uses it or start with PORT=<another port> npm start`]);
    assert.doesNotMatch(run.output(), /\n\s+at /, "no stack trace");
  } finally {
    blocker.close();
  }
});

test("an unreachable DATABASE_URL is named in one line", async () => {
  const deadPort = await freePort();
  const run = runStartCommand({ PORT: String(await freePort()), DATABASE_URL: `postgresql://zxcv@127.0.0.1:${deadPort}/zxcv`, ZXCV_STATE_DIR: stateDir });
  assert.equal(await run.exited, 1);
  const lines = errorLines(run.output());
  assert.equal(lines.length, 1);
  assert.match(
    lines[0]!,
    new RegExp(`cannot reach PostgreSQL at 127\\.0\\.0\\.1:${deadPort}/zxcv \\(DATABASE_URL\\).*unset DATABASE_URL to use the embedded one`),
  );
  assert.doesNotMatch(run.output(), /\n\s+at /);
});

test("a failure after the embedded PostgreSQL started stops it again", async () => {
  const pgPort = await freePort();
  const run = runStartCommand({
    PORT: String(await freePort()),
    REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    ZXCV_PG_PORT: String(pgPort),
    ZXCV_STATE_DIR: stateDir,
  });
  assert.equal(await run.exited, 1);
  assert.match(run.output(), /embedded PostgreSQL started/);
  const lines = errorLines(run.output());
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(REDIS_URL\)/);
  assert.equal(await isPortFree(pgPort), true, "the embedded PostgreSQL is stopped");
  const postgres = spawnSync("pgrep", ["-f", path.join(stateDir, "postgres")], { encoding: "utf8" });
  assert.equal(postgres.stdout.trim(), "", "no postgres process of this state dir is left");
});

test("a missing Debian package without the right to install it says which command to run", () => {
  // As a user with no sudo (nobody), asking for a package that is not installed. The check is bundled into a folder
  // nobody can read (the clone itself may sit in a 0700 folder, as under root's home).
  const dir = mkdtempSync(path.join(os.tmpdir(), "zxcv-apt-"));
  chmodSync(dir, 0o755);
  try {
    const bundle = path.join(dir, "apt.mjs");
    buildSync({ entryPoints: ["scripts/stack/apt.ts"], bundle: true, platform: "node", format: "esm", outfile: bundle, logLevel: "silent" });
    chmodSync(bundle, 0o644);
    const script = `import { ensureDebianPackages } from ${JSON.stringify(bundle)}; try { ensureDebianPackages(["zxcv-no-such-package"]); } catch (e) { console.log(e.message); }`;
    const asNobody = process.getuid?.() === 0 ? ["runuser", "-u", "nobody", "--"] : [];
    const result = spawnSync(
      asNobody[0] ?? process.execPath,
      [...asNobody.slice(1), ...(asNobody.length ? [process.execPath] : []), "--input-type=module", "-e", script],
      {
        encoding: "utf8",
        cwd: dir,
        env: childEnv({ PATH: process.env.PATH, HOME: os.tmpdir() }),
      },
    );
    assert.equal(
      result.stdout.trim(),
      "missing Debian packages zxcv-no-such-package: run `sudo apt-get install -y --no-install-recommends zxcv-no-such-package` and start again",
      result.stderr,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
