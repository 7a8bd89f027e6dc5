// Test-drive figures (not a test), against run-all's app (`next start`) and one build host run here with the real
// QEMU: the time from "Try it" (the POST) to the first console byte read as the page reads it (Server-Sent Events),
// the keystroke round trip (a key POSTed until the shell's echo of it arrives) p50/p99, and how many sessions one
// host holds while a build runs (capacity 3; TESTDRIVE_SESSIONS_PER_HOST at its default).
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { defaultSelection } from "../contracts/selection";
import { createBuild } from "../lib/builds";
import { getChannelOrThrow } from "../lib/catalog";
import { getDb } from "../lib/db";
import { buildIso } from "../worker/engine/build-iso";
import { stateDir } from "../worker/engine/seed";
import { startBuildHost } from "../worker/host";
import { fakeBuild } from "../test/integration/builds/fake-build";
import { hostEnv, makeActor, makeRevisions } from "../test/integration/builds/fixtures";
import { waitFor } from "../test/support/wait";
import { openTestDriveConsole, seedSucceededBuild, waitForTestDrivePolling, type SeededIso } from "../test/integration/builds/testdrive-fixtures";
import { figure, type Figure } from "./support";

const GROUP = "test-drive (bench/testdrive.ts)";
const KEYSTROKES = 40;
type Person = Awaited<ReturnType<typeof makeActor>>;

export async function benchTestDrive({ appUrl, log }: { appUrl: string; log: (s: string) => void }): Promise<Figure[]> {
  const catalog = (await getChannelOrThrow("mini")).catalog;
  // Its own chroot store, as every benchmark's: the host does not find the ISO in its store and downloads it.
  const dir = resolve(stateDir(), "bench", "testdrive");
  rmSync(dir, { recursive: true, force: true });
  const built = await buildIso({ selection: defaultSelection(catalog), store: join(dir, "store"), workDir: join(dir, "work"), bootTest: false });
  const iso: SeededIso = { path: built.isoPath, sha256: built.sha256, size: built.isoSizeBytes, storePath: `${built.outPath}/zxcv-mini.iso` };
  const hostName = `bench-testdrive-${Date.now()}`;
  const host = await startBuildHost({
    env: await hostEnv(appUrl, hostName, { ZXCV_HOST_CAPACITY: "3" }),
    runBuild: fakeBuild({ durationMs: 45_000 }),
    log: () => undefined,
  });
  await waitForTestDrivePolling(hostName);
  const api = (person: Person, path: string, body?: unknown) =>
    fetch(`${appUrl}${path}`, {
      method: "POST",
      headers: { cookie: person.cookie, origin: appUrl, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const start = async (person: Person) => {
    const buildId = await seedSucceededBuild(person, iso);
    const response = await api(person, "/api/testdrive", { buildId, firmware: "bios" });
    return { status: response.status, session: (await response.json()) as { id: string } };
  };
  try {
    log("test-drive: Try it -> first console byte");
    const alice = await makeActor("bench-driver");
    const clicked = performance.now();
    const { status, session } = await start(alice);
    if (status !== 200) throw new Error(`Try it answered ${status}: ${JSON.stringify(session).slice(0, 300)}`);
    const console = openTestDriveConsole({ appUrl, sessionId: session.id, cookie: alice.cookie, origin: appUrl });
    await console.until("the first console byte", () => console.state.bytes.length > 0, 120_000);
    const firstByteMs = performance.now() - clicked;

    log("test-drive: keystroke round trips");
    await console.until("the shell prompt", () => console.state.bytes.includes("zxcv# "), 180_000);
    const trips: number[] = [];
    for (let i = 0; i < KEYSTROKES; i++) {
      const before = console.state.bytes.length;
      const sent = performance.now();
      const echoed = console.until("the echo", () => console.state.bytes.subarray(before).includes("k"), 10_000);
      await console.type("k");
      await echoed;
      trips.push(performance.now() - sent);
    }
    await console.type("\u0015");
    await api(alice, `/api/testdrive/${session.id}/end`);
    await console.close();
    await waitFor("the host to hold no session", async () => host.drives.sessions.size === 0, 30_000);

    log("test-drive: sessions beside a running build");
    const builder = await makeActor("bench-builder");
    const pkg = catalog.packages[Date.now() % catalog.packages.length]!.id;
    const [revisionId] = await makeRevisions(builder, 1, { ...defaultSelection(catalog), packages: [pkg] });
    const build = await createBuild({ actor: builder, revisionId: revisionId! });
    await waitFor("the build to run", async () => (await getDb().build.findUniqueOrThrow({ where: { id: build.id } })).status === "RUNNING", 60_000);
    const held: { person: Person; id: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const person = await makeActor(`bench-rider-${i}`);
      const answer = await start(person);
      if (answer.status !== 200) break;
      held.push({ person, id: answer.session.id });
    }
    await waitFor("the sessions to run", async () => host.drives.sessions.size === held.length, 60_000);
    const holds = host.drives.sessions.size;
    for (const { person, id } of held) await api(person, `/api/testdrive/${id}/end`);
    await waitFor("the host to hold no session", async () => host.drives.sessions.size === 0, 30_000);

    const sorted = [...trips].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
    return [
      figure(GROUP, "Try it -> first console byte in the page", firstByteMs, "ms", {
        note: "POST, the host's long poll, the ISO downloaded from the app and checked, QEMU start, SSE",
      }),
      figure(GROUP, "keystroke round trip p50", pct(50), "ms", { note: `${KEYSTROKES} keys: POST -> host poll -> serial -> echo -> SSE` }),
      figure(GROUP, "keystroke round trip p99", pct(99), "ms"),
      figure(GROUP, "sessions one host holds while a build runs", holds, "n", { note: "capacity 3, 1 build running, at most 2 sessions per host" }),
    ];
  } finally {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
