import { parseProfileText, PROFILE_TEXT_MAX_BYTES } from "@/contracts/profile-text";
import { isStructuralProblem, validateSelection } from "@/contracts/selection";
import { getChannelOrThrow } from "../catalog";
import { AppError, isAppError } from "../errors";
import { createProfile, getProfileOrThrow } from "../profiles";
import { saveRevision } from "./revisions";
import type { Actor } from "../auth/actor";

/** A profile file as the form sent it; its size is checked before a byte of it is read. */
export type ProfileFile = { size: number; text: () => Promise<string> };

async function readProfileFile(file: ProfileFile): Promise<string> {
  if (file.size > PROFILE_TEXT_MAX_BYTES) {
    throw new AppError(
      "TOO_LARGE",
      `That file is ${formatKb(file.size)}; a profile file is at most ${PROFILE_TEXT_MAX_BYTES / 1024} KB. Is it the right file?`,
    );
  }
  if (file.size === 0) throw new AppError("BAD_REQUEST", "That file is empty");
  return file.text();
}

/**
 * Parses profile text against the channel it names. Every error says its line; names the catalog
 * does not know are errors (conflicts are not: they are shown in the configurator).
 */
export async function parseProfileTextOrThrow(text: string, expectedChannel?: string) {
  const parsed = parseProfileText(text);
  if (!parsed.ok) throw new AppError("BAD_REQUEST", describeLines(parsed.errors), { lines: parsed.errors });
  const { selection, lineOf } = parsed;
  const channelLine = text.split(/\r?\n/).findIndex((l) => /^\s*channel\s*=/.test(l)) + 1;
  const refuseChannel = (message: string) => {
    const errors = [{ line: channelLine, message }];
    return new AppError("BAD_REQUEST", describeLines(errors), { lines: errors });
  };
  if (expectedChannel && selection.channel !== expectedChannel) {
    throw refuseChannel(`this profile is on the ${expectedChannel} channel, the file says "${selection.channel}"`);
  }
  const channel = await getChannelOrThrow(selection.channel, { packages: selection.packages }).catch((error: unknown) => {
    throw isAppError(error) && error.code === "NOT_FOUND" ? refuseChannel(`unknown channel "${selection.channel}": this dashboard has no such catalog`) : error;
  });
  const { catalog } = channel;
  const structural = validateSelection(catalog, selection).filter(isStructuralProblem);
  if (structural.length > 0) {
    const errors = structural.map((p) => ({ line: lineOf(p.subject) ?? 1, message: p.message }));
    throw new AppError("BAD_REQUEST", describeLines(errors), { lines: errors });
  }
  return selection;
}

export async function importProfile({ actor, machineId, name, file }: { actor: Actor; machineId: string; name: string; file: ProfileFile }) {
  const selection = await parseProfileTextOrThrow(await readProfileFile(file));
  return createProfile({ actor, machineId, name, channel: selection.channel, selection, message: "Imported from a file" });
}

export async function importRevision({ actor, profileId, baseNumber, file }: { actor: Actor; profileId: string; baseNumber: number; file: ProfileFile }) {
  const profile = await getProfileOrThrow({ actor, profileId });
  const selection = await parseProfileTextOrThrow(await readProfileFile(file), profile.channel);
  return saveRevision({ actor, profileId, baseNumber, selection, message: "Imported from a file" });
}

function describeLines(errors: { line: number; message: string }[]): string {
  return errors.map((e) => `line ${e.line}: ${e.message}`).join("\n");
}

function formatKb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
