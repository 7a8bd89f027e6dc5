import type { z } from "zod";
import { artifactsOf, type BuildDetail } from "../builds/queries";
import { toWire } from "./handler";
import * as s from "./schemas";

/** Maps domain rows to the documented wire shapes; anything not in a schema (hashes, storage keys) is dropped. */

export function isoDownloadUrl(artifactId: string): string {
  return `/api/v1/isos/${artifactId}/download`;
}

export function toBuild(build: BuildDetail, extra: { waitingReason?: string | null } = {}): z.infer<typeof s.buildSchema> {
  const { iso } = artifactsOf(build);
  return toWire(s.buildSchema, {
    ...build,
    ...extra,
    profileId: build.revision.profileId,
    revisionNumber: build.revision.number,
    host: build.host?.name ?? build.reusedFrom?.host?.name ?? null,
    iso: iso ? { ...iso, downloadUrl: isoDownloadUrl(iso.id) } : null,
    attempts: build.attempts.map((a) => ({ ...a, host: a.host?.name ?? null })),
  });
}
