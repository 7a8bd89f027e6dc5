import { z } from "zod";
import { selectionSchema } from "./selection";

/**
 * What the control plane puts on a build queue. No secrets: a host exchanges its own host token for a
 * per-attempt upload token when it claims the build (POST /api/host/builds/:id/claim).
 */
export const buildJobSchema = z.strictObject({
  v: z.literal(1),
  buildId: z.string().min(1),
  attempt: z.number().int().min(1),
  selection: selectionSchema,
  channel: z.string().min(1),
  channelRevision: z.string().min(1),
  arch: z.string().min(1),
});
export type BuildJob = z.infer<typeof buildJobSchema>;

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

/** Redis keys shared by the app and the hosts. */
export const buildLogKey = (buildId: string) => `build:${buildId}:log`;
export const CANCEL_CHANNEL = "zxcv:builds:cancel";
export const cancelKey = (buildId: string) => `build:${buildId}:cancelled`;

/** Host -> app messages. */
export const registerHostSchema = z.strictObject({
  name: z.string().min(1).max(100),
  arch: archSchema,
  capacity: z.number().int().min(1).max(64),
  nixVersion: z.string().max(100).nullable(),
});

export const heartbeatSchema = z.strictObject({
  running: z.array(z.strictObject({ buildId: z.string(), attempt: z.number().int() })).max(64),
});

export const claimBuildSchema = z.strictObject({ attempt: z.number().int().min(1) });
export const claimBuildResponseSchema = z.strictObject({ attempt: z.number().int().min(1), attemptToken: z.string().min(1) });

export const failBuildSchema = z.strictObject({
  step: z.string().max(100),
  message: z.string().max(2000),
  tail: z.array(z.string().max(2000)).max(50).default([]),
});
