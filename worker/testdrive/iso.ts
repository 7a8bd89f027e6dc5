import { createHash } from "node:crypto";
import { createWriteStream, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { TestDriveOffer } from "@/contracts/testdrive";
import { sha256File } from "../engine/build-iso";

/** A store path as the engine makes them (the app passes on what the building host reported: checked, not trusted). */
const STORE_ISO = /^\/nix\/store\/[0-9a-z]{32}-[A-Za-z0-9+._?=-]+\/[A-Za-z0-9._-]+\.iso$/;

/**
 * The ISO to boot: this host's own copy when its store still has it (same size and sha256), else downloaded from the
 * app with the session's token into `dir`, and checked the same way before QEMU sees it.
 */
export async function isoForTestDrive({
  offer,
  appUrl,
  dir,
}: {
  offer: TestDriveOffer;
  appUrl: string;
  dir: string;
}): Promise<{ path: string; source: "store" | "download" }> {
  const local = offer.iso.storePath;
  if (local && STORE_ISO.test(local) && existsSync(local) && statSync(local).size === offer.iso.sizeBytes && (await sha256File(local)) === offer.iso.sha256) {
    return { path: local, source: "store" };
  }
  const response = await fetch(new URL(`/api/host/testdrive/${encodeURIComponent(offer.sessionId)}/iso`, appUrl), {
    headers: { authorization: `Bearer ${offer.token}` },
  });
  if (!response.ok || !response.body) throw new Error(`the app did not send the ISO (HTTP ${response.status})`);
  const path = join(dir, "test-drive.iso");
  const hash = createHash("sha256");
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > offer.iso.sizeBytes) return done(new Error(`the ISO is larger than the ${offer.iso.sizeBytes} bytes announced`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), count, createWriteStream(path));
  const sha256 = hash.digest("hex");
  if (size !== offer.iso.sizeBytes || sha256 !== offer.iso.sha256)
    throw new Error(`the downloaded ISO does not match (size ${size}, sha256 ${sha256.slice(0, 12)}…)`);
  return { path, source: "download" };
}
