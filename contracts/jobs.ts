import { z } from "zod";
import { selectionSchema } from "./selection";

/**
 * What the control plane puts on a build queue: only which build and which attempt. Redis is not trusted, so
 * everything a host builds comes from the claim answer over HTTP (POST /api/host/builds/:id/claim).
 */
export const buildJobSchema = z.strictObject({
  v: z.literal(2),
  buildId: z.string().min(1).max(100),
  attempt: z.number().int().min(1),
});
export type BuildJob = z.infer<typeof buildJobSchema>;

/** What a host reads from a job: the id and the attempt, nothing else (fields someone added in Redis are dropped). */
export const buildJobRefSchema = z.object({ buildId: buildJobSchema.shape.buildId, attempt: buildJobSchema.shape.attempt });

export const ARCHES = ["x86_64", "aarch64"] as const;
export const archSchema = z.enum(ARCHES);

/** One BullMQ queue per architecture, so a host only ever receives jobs it can build. */
export function buildQueueName(arch: string): string {
  return `builds-${arch}`;
}

/** Phases a build goes through, in order; the build page draws them. */
export const BUILD_PHASES = ["queued", "preparing", "evaluating", "realising", "boot-test", "uploading", "done"] as const;
export const buildPhaseSchema = z.enum(BUILD_PHASES);
export type BuildPhase = z.infer<typeof buildPhaseSchema>;

/** A progress report: `done`/`total` are derivations while realising, boot tests while boot-testing. */
export const phaseEventSchema = z.strictObject({
  phase: buildPhaseSchema,
  progress: z.number().min(0).max(1),
  detail: z.string().max(200).default(""),
});
export type PhaseEvent = z.infer<typeof phaseEventSchema>;

/** Host -> app messages. */
export const registerHostSchema = z.strictObject({
  name: z.string().min(1).max(100),
  arch: archSchema,
  capacity: z.number().int().min(1).max(64),
  nixVersion: z.string().max(100).nullable(),
});

export const heartbeatSchema = z.strictObject({
  running: z.array(z.strictObject({ buildId: z.string().max(100), attempt: z.number().int() })).max(64),
});
/** The heartbeat's answer: the builds this host must stop (cancelled, moved to another attempt or host). */
export const heartbeatResponseSchema = z.strictObject({ stop: z.array(z.string()) });

export const claimBuildSchema = z.strictObject({ attempt: z.number().int().min(1) });
/** The claim's answer: the attempt, its token (for this attempt's calls only) and everything needed to build it. */
export const claimBuildResponseSchema = z.strictObject({
  attempt: z.number().int().min(1),
  attemptToken: z.string().min(1),
  build: z.strictObject({
    id: z.string().min(1),
    selection: selectionSchema,
    channel: z.string().min(1),
    channelRevision: z.string().min(1),
    arch: archSchema,
  }),
});
export type ClaimedBuild = z.infer<typeof claimBuildResponseSchema>;

/** A batch of log lines of one attempt (the app appends them to the build's live log). */
export const MAX_LOG_LINES_PER_BATCH = 500;
export const MAX_LOG_LINE_CHARS = 4_000;
export const logBatchSchema = z.strictObject({
  lines: z
    .array(z.string().max(MAX_LOG_LINE_CHARS, `A log line is at most ${MAX_LOG_LINE_CHARS} characters: split it`))
    .min(1)
    .max(MAX_LOG_LINES_PER_BATCH, `Send at most ${MAX_LOG_LINES_PER_BATCH} lines per batch`),
});

export const failBuildSchema = z.strictObject({
  step: z.string().max(100),
  message: z.string().max(2000),
  tail: z.array(z.string().max(2000)).max(50).default([]),
});
