import { z } from "zod";

/**
 * A test-drive: a person boots a built ISO in QEMU on a build host of its arch and types into its serial console in
 * the page. The bytes go browser ↔ app ↔ host: the browser reads Server-Sent Events and POSTs keys; the host
 * long-polls the app for offers and keys and POSTs what the console printed, with a token for its one session.
 * Everything here is parsed on arrival on both sides (lib/testdrive.ts, worker/testdrive/).
 */
export const TESTDRIVE_FIRMWARES = ["bios", "uefi"] as const;
export const testDriveFirmwareSchema = z.enum(TESTDRIVE_FIRMWARES);
export type TestDriveFirmware = z.infer<typeof testDriveFirmwareSchema>;

/** What every session gets, whoever asks: QEMU's memory, and no network but QEMU's user network with no way out. */
export const TESTDRIVE_MEMORY_MB = 512;

/** The app's own ids (cuid): a host also uses one as a folder name. */
const sessionIdSchema = z.string().regex(/^[a-z0-9]{1,64}$/, "a session id");
/** Raw console bytes travel as base64 (a serial console prints any byte, not only UTF-8). */
const base64Schema = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "base64");
/** A Redis stream id ("0" before the first entry). */
const streamIdSchema = z.string().regex(/^(0|\d+-\d+)$/);
export const MAX_CONSOLE_CHUNK_BYTES = 64 * 1024;

// Browser -> app

/** Try one of your builds (`buildId`), or a shared one whose owner allows it (`shareToken`, the share link's token). */
export const createTestDriveSchema = z.union([
  z.strictObject({ buildId: z.string().min(1).max(100), firmware: testDriveFirmwareSchema }),
  z.strictObject({ shareToken: z.string().min(1).max(100), firmware: testDriveFirmwareSchema }),
]);
export const testDriveOnShareSchema = z.strictObject({ buildId: z.string().min(1).max(100), isAllowed: z.boolean() });
/** Keys typed in the terminal, as xterm.js hands them over (text with control characters). */
export const testDriveKeysSchema = z.strictObject({ data: z.string().min(1).max(4096) });

export const testDriveStatusSchema = z.enum(["PENDING", "STARTING", "RUNNING", "ENDED"]);
/** App -> browser: a session as the page shows it, limits included. */
export const testDriveViewSchema = z.strictObject({
  id: sessionIdSchema,
  buildId: z.string(),
  status: testDriveStatusSchema,
  firmware: testDriveFirmwareSchema,
  hostName: z.string().nullable(),
  memoryMb: z.number().int(),
  limitSeconds: z.number().int().positive(),
  /** When the session ends unless it is extended (ISO 8601). */
  expiresAt: z.string(),
  canExtend: z.boolean(),
  endReason: z.string().nullable(),
});
export type TestDriveView = z.infer<typeof testDriveViewSchema>;

/** A limit as people read it: "10 min", "75 s". */
export function formatTestDriveLimit(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/**
 * The SSE events of GET /api/testdrive/:id/console: `out` is console bytes, `state` the session, `screen` a new
 * picture of the screen (GET /api/testdrive/:id/screen), `end` the reason.
 */

// Host <-> app

/** The host asks for work with the sessions it is running; the app answers with those to end. */
export const nextTestDriveSchema = z.strictObject({ running: z.array(sessionIdSchema).max(64) });

/** A session handed to a host: how to boot what, for how long, and a token valid for this session only. */
export const testDriveOfferSchema = z.strictObject({
  sessionId: sessionIdSchema,
  token: z.string().min(20).max(200),
  firmware: testDriveFirmwareSchema,
  bootloader: z.enum(["grub", "isolinux"]),
  memoryMb: z.literal(TESTDRIVE_MEMORY_MB),
  endsInMs: z.number().int().nonnegative(),
  iso: z.strictObject({
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    sizeBytes: z.number().int().positive(),
    /** Where the host that built it kept it; any host checks the file against the sha256 before using it. */
    storePath: z.string().max(300).nullable(),
  }),
});
export type TestDriveOffer = z.infer<typeof testDriveOfferSchema>;
export const nextTestDriveResponseSchema = z.strictObject({ offer: testDriveOfferSchema.nullable(), end: z.array(sessionIdSchema) });

/** What QEMU's serial port printed. */
export const testDriveOutputSchema = z.strictObject({ data: base64Schema.max(Math.ceil(MAX_CONSOLE_CHUNK_BYTES / 3) * 4) });
/** The largest screen picture a host may send (a PNG of the text console is a few KB). */
export const MAX_SCREEN_PNG_BYTES = 160 * 1024;
/** The screen as QEMU's screendump sees it, refreshed every second while it changes. */
export const testDriveScreenSchema = z.strictObject({ png: base64Schema.max(Math.ceil(MAX_SCREEN_PNG_BYTES / 3) * 4) });
/** The host waits for keys typed after `after`. */
export const testDriveInputPollSchema = z.strictObject({ after: streamIdSchema });
/** Keys for the serial port (base64), the cursor for the next poll, and whether and when the session ends. */
export const testDriveInputResponseSchema = z.strictObject({ keys: base64Schema, after: streamIdSchema, ended: z.boolean(), endsInMs: z.number().int() });
/** The answer to output and state reports. */
export const testDriveLeaseSchema = z.strictObject({ ended: z.boolean(), endsInMs: z.number().int() });
/** The host says QEMU runs, or that it ended (QEMU exited, the ISO could not be had, the host stops). */
export const testDriveStateSchema = z.discriminatedUnion("state", [
  z.strictObject({ state: z.literal("running") }),
  z.strictObject({ state: z.literal("ended"), reason: z.string().min(1).max(300) }),
]);
