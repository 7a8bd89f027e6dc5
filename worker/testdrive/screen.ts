import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { MAX_SCREEN_PNG_BYTES } from "@/contracts/testdrive";
import { Qmp } from "../engine/qmp";
import { qmpSocketOf } from "./qemu";

/**
 * The screen as a picture for the page: a QMP screendump (PNG) every second, sent only when it changed, until
 * `isOver`. A screen that cannot be read ends the pictures, never the session (the serial console is what matters).
 */
export async function relayScreen({
  dir,
  isOver,
  send,
}: {
  dir: string;
  isOver: () => string | undefined;
  send: (png: Buffer) => Promise<void>;
}): Promise<void> {
  let qmp: Qmp | undefined;
  try {
    qmp = await Qmp.open(qmpSocketOf(dir), Date.now() + 30_000, isOver);
    const file = join(dir, "screen.png");
    let last: Buffer | undefined;
    while (!isOver()) {
      await qmp.execute("screendump", { filename: file, format: "png" });
      const png = await readFile(file);
      if (png.length <= MAX_SCREEN_PNG_BYTES && !last?.equals(png)) {
        await send(png);
        last = png;
      }
      await sleep(1_000);
    }
  } catch {
    /* QEMU went away, or its screen could not be read */
  } finally {
    qmp?.close();
  }
}
