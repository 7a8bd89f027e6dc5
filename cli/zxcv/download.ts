import { createHash, type Hash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { pipeline } from "node:stream/promises";
import { CliError, type ApiClient } from "./client";
import { ProgressDisplay, type BuildJson } from "./follow";

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/** The server's file name as a plain name in one folder: its last path part, in safe characters, never hidden or empty. */
export function safeFileName(name: string, fallback: string): string {
  const last = name.split(/[\\/]/).pop() ?? "";
  const safe = last
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .replace(/^[.]+/, "")
    .slice(0, 200);
  return /[A-Za-z0-9]/.test(safe) ? safe : fallback;
}

/** `-o FILE` as given, `-o FOLDER` (an existing one) with the safe name inside it, or the safe name here. */
async function targetPath(output: string | undefined, name: string): Promise<string> {
  if (!output) return name;
  const isFolder = await stat(output).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isFolder ? join(output, name) : output;
}

/**
 * Streams the build's ISO to `target.part` while hashing it, and keeps it as `target` only if the sha256
 * matches. An interrupted download leaves the .part file; running the command again resumes it with Range.
 */
export async function downloadIso(client: ApiClient, buildId: string, output: string | undefined): Promise<number> {
  const build = await client.json<BuildJson>(`/api/v1/builds/${buildId}`);
  if (!build.iso) throw new CliError(`build ${buildId} has no ISO (it is ${build.status.toLowerCase()})`);
  const { iso } = build;
  const target = await targetPath(output, safeFileName(iso.fileName, `zxcv-${buildId}.iso`));
  const partial = `${target}.part`;
  const hash = createHash("sha256");

  let offset = await sizeOf(partial);
  if (offset >= iso.sizeBytes) {
    await rm(partial, { force: true });
    offset = 0;
  }
  // If-Range: the server sends the rest only if the file is still the one whose start we have.
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-`, "if-range": `"${iso.sha256}"` } : {};
  // urlOf refuses a downloadUrl on another origin, so the token stays with the dashboard.
  const response = await client.request(iso.downloadUrl, { headers });
  if (response.status === 206) {
    await hashFile(partial, hash);
    process.stderr.write(`resuming ${target} from ${offset} bytes\n`);
  } else offset = 0;

  let received = offset;
  const display = new ProgressDisplay(Boolean(process.stderr.isTTY));
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      received += chunk.length;
      if (process.stderr.isTTY) display.update("downloading", iso.sizeBytes ? received / iso.sizeBytes : 0);
      done(null, chunk);
    },
  });
  try {
    const body = Readable.fromWeb(response.body! as WebReadableStream<Uint8Array>);
    await pipeline(body, measure, createWriteStream(partial, { flags: offset > 0 ? "a" : "w" }));
  } catch (error) {
    display.finish();
    throw new CliError(`download interrupted after ${received} bytes (${(error as Error).message}); run the same command again to resume`);
  }
  display.finish();

  const actual = hash.digest("hex");
  const expected = iso.sha256.toLowerCase();
  if (actual !== expected) {
    await rm(partial, { force: true });
    throw new CliError(`sha256 mismatch for ${target}: expected ${expected}, got ${actual}; the file was not kept`, 4);
  }
  await rename(partial, target);
  console.log(`${target}: ${await sizeOf(target)} bytes, sha256 ${actual} (verified)`);
  return 0;
}
