import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import { isAlive } from "../../test/support/processes";
import { waitFor } from "../../test/support/wait";

// A stack that crashes or is killed runs none of its shutdown code: what it started must stop by itself.
test("a child started with startManaged stops when the process that started it is killed", async (t) => {
  const supervisor = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      `import { startManaged } from "./scripts/stack/processes.ts";
       const child = startManaged("idle", process.execPath, ["-e", "setInterval(() => {}, 1000)"], { PATH: process.env.PATH });
       console.log(child.child.pid);
       setInterval(() => {}, 1000);`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const [firstOutput] = (await once(supervisor.stdout!, "data")) as [Buffer];
  const pid = Number(firstOutput.toString().trim());
  assert.ok(Number.isInteger(pid) && pid > 0, `the supervisor printed its child's pid, got ${JSON.stringify(firstOutput.toString())}`);
  t.after(() => {
    if (isAlive(pid)) process.kill(pid, "SIGKILL");
  });
  await waitFor("the child to run", () => isAlive(pid), 5000);

  supervisor.kill("SIGKILL");
  await once(supervisor, "exit");
  await waitFor(`the child (pid ${pid}) to stop after its supervisor was killed`, () => !isAlive(pid), 10_000);
});
