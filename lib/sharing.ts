import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Actor } from "./auth/actor";
import { getDb } from "./db";
import { getEnv } from "./env";
import { AppError } from "./errors";
import { artifactsOf } from "./builds/queries";
import { createProfile } from "./profiles";
import { withoutPasswordHashes } from "@/contracts/customizations";
import { formatProfileText } from "@/contracts/profile-text";
import { selectionSchema } from "@/contracts/selection";
import { ownedBuild, ownedProfile } from "./ownership";

/**
 * Sharing by link. A share token is a capability: whoever holds the link may read the shared profile or build,
 * nothing else, and revoking (setting the token to null) makes the link 404 at once. Tokens are stored in clear,
 * as a gist's secret URL is: the owner can see and copy the link again, and it unlocks read access to one object
 * only (never an account, unlike an API token, which is stored hashed). 18 random bytes: 24 base64url characters.
 */
const shareTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{24}$/);

function newShareToken(): string {
  return randomBytes(18).toString("base64url");
}

export function profileSharePath(token: string): string {
  return `/share/p/${token}`;
}

export function buildSharePath(token: string): string {
  return `/share/iso/${token}`;
}

/** The absolute link for scripts (the pages build it from the address the browser used). */
export function shareUrlOf(path: string): string {
  return new URL(path, getEnv().APP_URL).toString();
}

// ---- owner side ---------------------------------------------------------------------------------------------

/** Shares the actor's profile; sharing it again returns the same link. Someone else's profile is NOT_FOUND. */
export async function shareProfile({ actor, profileId }: { actor: Actor; profileId: string }): Promise<{ token: string; path: string }> {
  const db = getDb();
  const where = { id: profileId, ...ownedProfile(actor) };
  // Only a profile that has no link yet gets one, so two clicks at once agree on one link.
  await db.profile.updateMany({ where: { ...where, shareToken: null }, data: { shareToken: newShareToken() } });
  const profile = await db.profile.findFirst({ where, select: { shareToken: true } });
  if (!profile?.shareToken) throw new AppError("NOT_FOUND", "No such profile: it may have been deleted");
  return { token: profile.shareToken, path: profileSharePath(profile.shareToken) };
}

/** Stops sharing: the old link is dead at once, and sharing again makes a new one. */
export async function unshareProfile({ actor, profileId }: { actor: Actor; profileId: string }): Promise<void> {
  const { count } = await getDb().profile.updateMany({ where: { id: profileId, ...ownedProfile(actor) }, data: { shareToken: null } });
  if (count === 0) throw new AppError("NOT_FOUND", "No such profile: it may have been deleted");
}

/** Shares the actor's build: its ISO, log and configuration. Only a build with an ISO can be shared. */
export async function shareBuild({ actor, buildId }: { actor: Actor; buildId: string }): Promise<{ token: string; path: string }> {
  const db = getDb();
  const build = await db.build.findFirst({
    where: { id: buildId, ...ownedBuild(actor) },
    select: { shareToken: true, artifacts: { select: { kind: true } }, reusedFrom: { select: { artifacts: { select: { kind: true } } } } },
  });
  if (!build) throw new AppError("NOT_FOUND", "No such build");
  const hasIso = [...build.artifacts, ...(build.reusedFrom?.artifacts ?? [])].some((a) => a.kind === "ISO");
  if (!hasIso) throw new AppError("CONFLICT", "Only a build that produced an ISO can be shared: wait for it to succeed");
  if (!build.shareToken) await db.build.updateMany({ where: { id: buildId, shareToken: null }, data: { shareToken: newShareToken() } });
  const { shareToken } = await db.build.findUniqueOrThrow({ where: { id: buildId }, select: { shareToken: true } });
  if (!shareToken) throw new AppError("CONFLICT", "The build stopped being shared meanwhile: share it again");
  return { token: shareToken, path: buildSharePath(shareToken) };
}

export async function unshareBuild({ actor, buildId }: { actor: Actor; buildId: string }): Promise<void> {
  const { count } = await getDb().build.updateMany({ where: { id: buildId, ...ownedBuild(actor) }, data: { shareToken: null } });
  if (count === 0) throw new AppError("NOT_FOUND", "No such build");
}

// ---- link side (no actor: the token is the permission) ------------------------------------------------------

const GONE = "This link does not work: it may have been mistyped, or its owner stopped sharing it";

/** The shared profile's latest revision as a profile file, with its machine's name (never its owner). */
export async function getSharedProfile({ token }: { token: string }) {
  if (!shareTokenSchema.safeParse(token).success) throw new AppError("NOT_FOUND", GONE);
  const profile = await getDb().profile.findUnique({
    where: { shareToken: token },
    select: {
      name: true,
      channel: true,
      machine: { select: { name: true, arch: true } },
      revisions: { orderBy: { number: "desc" }, take: 1, select: { number: true, selection: true, configHash: true, message: true, createdAt: true } },
    },
  });
  const latest = profile?.revisions[0];
  const selection = selectionSchema.safeParse(latest?.selection);
  if (!profile || !latest || !selection.success) throw new AppError("NOT_FOUND", GONE);
  // A shared profile never carries a password hash: it says one is set, and an import asks for a new one.
  const hidden = selection.data.customizations && withoutPasswordHashes(selection.data.customizations);
  const shared = hidden ? { ...selection.data, customizations: hidden.customizations } : selection.data;
  return {
    name: profile.name,
    channel: profile.channel,
    machine: profile.machine,
    revision: { number: latest.number, message: latest.message, configHash: latest.configHash, createdAt: latest.createdAt },
    selection: shared,
    hadPasswords: hidden?.hadPasswords ?? false,
    profileText: formatProfileText(selection.data, { machine: profile.machine.name, profile: profile.name, revision: latest.number }, { hidePasswords: true }),
  };
}
export type SharedProfile = Awaited<ReturnType<typeof getSharedProfile>>;

/** Copies a shared profile's latest revision into one of the actor's machines: the copy is theirs to change and build. */
export async function importSharedProfile({ actor, token, machineId, name }: { actor: Actor; token: string; machineId: string; name: string }) {
  const shared = await getSharedProfile({ token });
  return createProfile({
    actor,
    machineId,
    name,
    channel: shared.channel,
    selection: shared.selection,
    message: `Imported from a shared link to ${shared.machine.name} / ${shared.name} revision ${shared.revision.number}${shared.hadPasswords ? " (passwords are not shared: set new ones under System)" : ""}`,
  });
}

const sharedBuildInclude = {
  revision: { select: { number: true, selection: true, profile: { select: { name: true, machine: { select: { name: true } } } } } },
  artifacts: true,
  reusedFrom: { include: { artifacts: true, host: { select: { id: true, name: true } } } },
} as const;

async function findSharedBuildOrThrow(token: string) {
  if (!shareTokenSchema.safeParse(token).success) throw new AppError("NOT_FOUND", GONE);
  const build = await getDb().build.findUnique({ where: { shareToken: token }, include: sharedBuildInclude });
  if (!build) throw new AppError("NOT_FOUND", GONE);
  return build;
}

/** The shared build's ISO (name, size, sha256), boot test, log and configuration; ids only of its own files. */
export async function getSharedBuild({ token }: { token: string }) {
  const build = await findSharedBuildOrThrow(token);
  const { iso, log } = artifactsOf(build);
  if (!iso) throw new AppError("NOT_FOUND", "This ISO is no longer kept: ask its owner to build it again");
  const source = build.reusedFrom ?? build;
  const bootTests = (source.result as { bootTests?: { firmware: string; passed: boolean; seconds?: number }[] } | null)?.bootTests ?? [];
  const selection = selectionSchema.safeParse(build.revision.selection);
  const { profile } = build.revision;
  const title = `${profile.machine.name} / ${profile.name} r${build.revision.number}`;
  return {
    title,
    machine: profile.machine.name,
    profile: profile.name,
    revisionNumber: build.revision.number,
    channel: build.channel,
    arch: build.arch,
    finishedAt: build.finishedAt ?? iso.createdAt,
    iso: { id: iso.id, fileName: iso.fileName, sizeBytes: Number(iso.sizeBytes), sha256: iso.sha256 },
    log: log ? { id: log.id, fileName: log.fileName, sizeBytes: Number(log.sizeBytes) } : null,
    bootTests,
    /** Whether the owner lets signed-in people holding the link test-drive it (lib/testdrive.ts), and with what. */
    testDrive: build.testDriveOnShare ? { bootloader: selection.success ? (selection.data.roles.bootloader ?? "grub") : "grub" } : null,
    profileText: selection.success
      ? formatProfileText(selection.data, { machine: profile.machine.name, profile: profile.name, revision: build.revision.number }, { hidePasswords: true })
      : "",
    /** For readStoredLog: the rows that hold the log's bytes. */
    storage: { artifacts: build.artifacts, reusedFrom: build.reusedFrom },
  };
}
export type SharedBuild = Awaited<ReturnType<typeof getSharedBuild>>;

/** The ISO or log row behind a build link, for the download route; nothing else is reachable through it. */
export async function getSharedArtifactOrThrow({ token, kind }: { token: string; kind: "ISO" | "LOG" }) {
  const build = await findSharedBuildOrThrow(token);
  const { iso, log } = artifactsOf(build);
  const artifact = kind === "ISO" ? iso : log;
  if (!artifact) throw new AppError("NOT_FOUND", "No such file");
  return artifact;
}
