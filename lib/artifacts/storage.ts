import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat, statfs } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { getEnv } from "../env";
import { AppError } from "../errors";

/**
 * Where ISOs and logs live. A directory by default; an object store would implement the same four calls.
 * Keys are made by the app (never taken from a client).
 */
export interface ArtifactStorage {
  /** Streams `body` in, checks its size and sha256 against what the sender declared, and only then makes it visible. */
  put(key: string, body: Readable, expected: { sizeBytes: number; sha256: string }): Promise<{ sizeBytes: number; sha256: string }>;
  /** A byte range (inclusive `end`) or the whole object. */
  get(key: string, range?: { start: number; end: number }): Promise<Readable>;
  size(key: string): Promise<number | null>;
  delete(key: string): Promise<void>;
  /** The object's file on this machine as a root folder and a path below it, for serving it with sendfile. */
  localPath(key: string): { root: string; name: string };
}

export class DirectoryStorage implements ArtifactStorage {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!/^[A-Za-z0-9._/-]+$/.test(key) || key.includes("..")) throw new Error(`invalid storage key ${key}`);
    const path = resolve(this.root, key);
    if (!path.startsWith(resolve(this.root) + sep)) throw new Error(`invalid storage key ${key}`);
    return path;
  }

  async put(key: string, body: Readable, expected: { sizeBytes: number; sha256: string }) {
    const final = this.pathOf(key);
    const temp = join(resolve(this.root), ".incoming", `${randomBytes(12).toString("hex")}.part`);
    await mkdir(dirname(temp), { recursive: true });
    // Refused before a byte is written when it cannot fit, rather than filling the disk for nothing.
    const free = await freeBytes(this.root);
    if (free < expected.sizeBytes) throw storageFullError(this.root, expected.sizeBytes, free);
    const hash = createHash("sha256");
    let sizeBytes = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _enc, done) {
        sizeBytes += chunk.length;
        // Stop early instead of filling the disk with more than was declared.
        if (sizeBytes > expected.sizeBytes) return done(new AppError("BAD_REQUEST", `Upload is larger than the declared ${expected.sizeBytes} bytes`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, measure, createWriteStream(temp));
      const sha256 = hash.digest("hex");
      if (sizeBytes !== expected.sizeBytes) {
        throw new AppError("BAD_REQUEST", `Upload is truncated: received ${sizeBytes} of the declared ${expected.sizeBytes} bytes`);
      }
      if (sha256 !== expected.sha256.toLowerCase()) {
        throw new AppError("BAD_REQUEST", `Upload is corrupted: its sha256 is ${sha256}, the sender declared ${expected.sha256}`);
      }
      await mkdir(dirname(final), { recursive: true });
      await rename(temp, final);
      return { sizeBytes, sha256 };
    } catch (error) {
      await rm(temp, { force: true });
      if (error instanceof AppError) throw error;
      if ((error as NodeJS.ErrnoException).code === "ENOSPC") throw storageFullError(this.root, expected.sizeBytes, await freeBytes(this.root));
      if (isConnectionLoss(error)) {
        throw new AppError("BAD_REQUEST", `Upload is truncated: the connection closed after ${sizeBytes} of ${expected.sizeBytes} bytes`);
      }
      throw error;
    }
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    return createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end } : {});
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch {
      return null;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  localPath(key: string): { root: string; name: string } {
    this.pathOf(key);
    return { root: resolve(this.root), name: key };
  }
}

/** Bytes free for this process on the disk holding `dir`. */
async function freeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

/** A byte count as people read it: 18.2 MB, 1.5 GB. */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** The sentence a full artifact disk gives (the build's failure reason, shown to the admin on the Hosts page). */
export const STORAGE_FULL_PREFIX = "Artifact storage is full";

function storageFullError(root: string, needed: number, free: number): AppError {
  return new AppError(
    "STORAGE_FULL",
    `${STORAGE_FULL_PREFIX}: this file needs ${formatBytes(needed)} and ${formatBytes(free)} is free in ${resolve(root)} (ARTIFACT_DIR). Free space there, or point ARTIFACT_DIR at a larger disk, then retry the build`,
    { neededBytes: needed, freeBytes: free },
  );
}

function isConnectionLoss(error: unknown): boolean {
  const { code, name, message } = error as NodeJS.ErrnoException;
  return code === "ERR_STREAM_PREMATURE_CLOSE" || code === "ECONNRESET" || name === "AbortError" || message === "aborted" || message === "terminated";
}

const globalForStorage = globalThis as unknown as { zxcvStorage?: ArtifactStorage };

export function getArtifactStorage(): ArtifactStorage {
  globalForStorage.zxcvStorage ??= new DirectoryStorage(resolve(getEnv().ARTIFACT_DIR));
  return globalForStorage.zxcvStorage;
}

export function storageKeyFor({ buildId, attempt, kind }: { buildId: string; attempt: number; kind: "ISO" | "LOG" }): string {
  return `builds/${buildId}/${attempt}/${kind === "ISO" ? "image.iso" : "build.log"}`;
}
