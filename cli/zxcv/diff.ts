import { z } from "zod";
import { describeSizeChange, formatSignedBytes, formatSize, sizeDiffSchema } from "../../contracts/size-diff";
import { ApiClient, CliError, printable } from "./client";

/** What `GET /api/v1/builds/{id}/diff` answers, as far as the CLI reads it (the server is not trusted: parsed). */
const recordSchema = z.object({
  buildId: z.string(),
  revisionNumber: z.int(),
  sizes: z.object({ compressedBytes: z.int(), uncompressedBytes: z.int() }).nullable(),
  budgetBytes: z.int().nullable(),
  overBudgetBytes: z.int().nullable(),
});
const comparisonSchema = z.object({ build: recordSchema, against: recordSchema.nullable(), diff: sizeDiffSchema.nullable() });

/**
 * `zxcv diff [BUILD_A] BUILD_B`: what changed in size from A to B (A defaults to B's profile's previous successful
 * build), one line per part, largest change first, as `nix store diff-closures` prints closures.
 */
export async function diffBuilds(client: ApiClient, from: string | undefined, to: string): Promise<number> {
  const query = from ? `?against=${encodeURIComponent(from)}` : "";
  const parsed = comparisonSchema.safeParse(await client.json(`/api/v1/builds/${encodeURIComponent(to)}/diff${query}`));
  if (!parsed.success) throw new CliError(`the server's answer is not a size comparison: ${printable(parsed.error.issues[0]!.message)}`);
  const { build, against, diff } = parsed.data;
  const name = (r: z.infer<typeof recordSchema>) => `build ${printable(r.buildId)} (r${r.revisionNumber})`;
  if (!against) throw new CliError(`${name(build)} has no earlier successful build of its profile to compare with: give one, zxcv diff BUILD_A ${to}`);
  if (!diff || !build.sizes || !against.sizes) {
    const missing = build.sizes ? against : build;
    throw new CliError(`${name(missing)} has no size record (its build host measured none): nothing to compare`);
  }
  console.log(
    `${name(against)} → ${name(build)}: ISO ${formatSize(against.sizes.compressedBytes)} → ${formatSize(build.sizes.compressedBytes)} ` +
      `(${formatSignedBytes(diff.compressedDeltaBytes)}), uncompressed ${formatSignedBytes(diff.uncompressedDeltaBytes)}`,
  );
  for (const change of diff.changes) console.log(printable(describeSizeChange(change)));
  if (diff.changes.length === 0) console.log("no part changed");
  if (build.overBudgetBytes !== null && build.budgetBytes !== null) {
    console.log(`over the profile's size budget of ${formatSize(build.budgetBytes)} by ${formatSize(build.overBudgetBytes)}`);
  }
  return 0;
}
