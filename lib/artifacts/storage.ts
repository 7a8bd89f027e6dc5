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
  /** Bytes still free for new objects (checked before an upload is accepted). */
  freeBytes(): Promise<number>;
}

export class DirectoryStorage implements ArtifactStorage {
  constructor(private readonly root: string) {}

  async freeBytes(): Promise<number> {
    await mkdir(this.root, { recursive: true });
    const fs = await statfs(this.root);
    return fs.bavail * fs.bsize;
  }

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
