import { createHash, randomBytes } from "node:crypto";
import { PASSWORD_HASH } from "@/contracts/customizations";

/**
 * A password for the built system's users, as the crypt hash its busybox login and su accept: sha512-crypt (`$6$`),
 * Ulrich Drepper's published SHA-crypt algorithm over node:crypto. The clear password lives only in this call: the
 * selection, the database and every build host see the hash alone.
 */
const ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const DEFAULT_ROUNDS = 5000;
/** The byte order of the final 64 bytes in the encoded hash, three at a time (the last byte alone). */
const ORDER = [
  [0, 21, 42],
  [22, 43, 1],
  [44, 2, 23],
  [3, 24, 45],
  [25, 46, 4],
  [47, 5, 26],
  [6, 27, 48],
  [28, 49, 7],
  [50, 8, 29],
  [9, 30, 51],
  [31, 52, 10],
  [53, 11, 32],
  [12, 33, 54],
  [34, 55, 13],
  [56, 14, 35],
  [15, 36, 57],
  [37, 58, 16],
  [59, 17, 38],
  [18, 39, 60],
  [40, 61, 19],
  [62, 20, 41],
];

const sha512 = (...parts: Buffer[]) => createHash("sha512").update(Buffer.concat(parts)).digest();
/** `source` repeated to `length` bytes. */
const stretch = (source: Buffer, length: number) => Buffer.concat(Array.from({ length: Math.ceil(length / source.length) }, () => source)).subarray(0, length);

export function sha512Crypt(password: string, salt: string, rounds = DEFAULT_ROUNDS): string {
  const p = Buffer.from(password, "utf8");
  const s = Buffer.from(salt.slice(0, 16), "utf8");
  const b = sha512(p, s, p);
  const aParts = [p, s, stretch(b, p.length)];
  for (let n = p.length; n > 0; n >>= 1) aParts.push(n & 1 ? b : p);
  let c = sha512(...aParts);
  const pBytes = p.length ? stretch(sha512(...Array.from({ length: p.length }, () => p)), p.length) : Buffer.alloc(0);
  const sBytes = stretch(sha512(...Array.from({ length: 16 + c[0]! }, () => s)), s.length);
  for (let i = 0; i < rounds; i++) {
    const parts = [i & 1 ? pBytes : c];
    if (i % 3) parts.push(sBytes);
    if (i % 7) parts.push(pBytes);
    parts.push(i & 1 ? c : pBytes);
    c = sha512(...parts);
  }
  let out = "";
  const encode = (w: number, n: number) => {
    for (let k = 0; k < n; k++, w >>= 6) out += ITOA64[w & 0x3f];
  };
  for (const [x, y, z] of ORDER) encode((c[x!]! << 16) | (c[y!]! << 8) | c[z!]!, 4);
  encode(c[63]!, 2);
  return `$6$${rounds === DEFAULT_ROUNDS ? "" : `rounds=${rounds}$`}${s.toString("utf8")}$${out}`;
}

/** A new hash with a random 16-character salt; what the configurator stores for a user's or root's password. */
export function hashSystemPassword(password: string): string {
  const salt = Array.from(randomBytes(16), (byte) => ITOA64[byte & 0x3f]).join("");
  const hash = sha512Crypt(password, salt);
  if (!PASSWORD_HASH.test(hash)) throw new Error("sha512-crypt produced an unexpected hash");
  return hash;
}
