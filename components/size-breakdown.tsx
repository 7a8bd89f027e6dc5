import type { SizePart, SizePartKind } from "@/contracts/build-result";
import { describeSizeChange, formatSignedBytes, formatSize, type SizeChange } from "@/contracts/size-diff";
import type { BuildSizeComparison } from "@/lib/builds/sizes";
import { Button } from "./ui/button";
import { Cell, Table } from "./ui/table";

const KINDS: Record<SizePartKind, { label: string; color: string }> = {
  base: { label: "Base", color: "bg-slate-500" },
  kernel: { label: "Kernel", color: "bg-indigo-600" },
  modules: { label: "Kernel modules", color: "bg-violet-500" },
  bootloader: { label: "Bootloader", color: "bg-amber-500" },
  shell: { label: "Shell", color: "bg-emerald-600" },
  ssh: { label: "SSH server", color: "bg-teal-500" },
  package: { label: "Package", color: "bg-sky-500" },
  customizations: { label: "Customizations", color: "bg-rose-500" },
};
/** Packages alternate shades so neighbours in the bar stay apart. */
const PACKAGE_SHADES = ["bg-sky-500", "bg-cyan-500", "bg-sky-300", "bg-cyan-300"];

const CHANGE_LABEL: Record<SizeChange["change"], string> = { added: "added", removed: "removed", version: "version changed", size: "size changed" };

/** The base's own files are busybox, init and the console font; every other part is its kind and its choice or package. */
const partLabel = (p: { kind: SizePartKind; name: string }) =>
  p.kind === "base" && p.name === "base" ? "Base busybox, init, font" : `${KINDS[p.kind].label} ${p.name}`;
/** What fits in a segment of the bar: the kernel and its modules by kind (both are named after the kernel's variant). */
const shortLabel = (p: { kind: SizePartKind; name: string }) => (p.kind === "kernel" || p.kind === "modules" ? KINDS[p.kind].label.toLowerCase() : p.name);
const percent = (bytes: number, total: number) => (total > 0 ? (100 * bytes) / total : 0);

/**
 * Where the ISO's size goes (a stacked bar to hover, each part's size and version in the table beside it) and what
 * changed against another build, largest change first; a build over its profile's budget says so and shows what grew.
 */
export function SizeBreakdown({
  comparison,
  candidates,
  againstProblem,
}: {
  comparison: BuildSizeComparison;
  /** Other builds to compare with, by id, labelled for the picker. */
  candidates: { id: string; label: string }[];
  againstProblem?: string;
}) {
  const { build, against, diff } = comparison;
  if (!build.sizes) {
    return (
      <section aria-labelledby="sizes" data-testid="size-breakdown" className="mb-6 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200">
        <h2 id="sizes" className="font-semibold">
          Where the size goes
        </h2>
        <p className="mt-1 text-slate-600">This build&apos;s host recorded no sizes (it runs an engine from before size records).</p>
      </section>
    );
  }
  const { sizes } = build;
  const parts = [...sizes.parts].sort((a, b) => b.bytes - a.bytes);
  const grew = diff?.changes.filter((c) => c.deltaBytes > 0) ?? [];
  return (
    <section aria-labelledby="sizes" data-testid="size-breakdown" className="mb-6 space-y-4 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200">
      <div>
        <h2 id="sizes" className="font-semibold">
          Where the size goes
        </h2>
        <p className="mt-1 text-slate-700" data-testid="size-totals">
          ISO {formatSize(sizes.compressedBytes)} compressed; its {sizes.parts.length} parts hold {formatSize(sizes.uncompressedBytes)} uncompressed
          {build.budgetBytes !== null && !build.overBudgetBytes ? `, within the profile's budget of ${formatSize(build.budgetBytes)}` : ""}.
        </p>
      </div>
      {build.overBudgetBytes !== null && build.budgetBytes !== null && (
        <div role="alert" data-testid="over-budget" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-900">
          <p className="font-medium">
            This ISO is {formatSize(build.overBudgetBytes)} over the profile&apos;s size budget of {formatSize(build.budgetBytes)}.
          </p>
          {against && grew.length > 0 ? (
            <p>
              What grew since build r{against.revisionNumber}: {grew.map(describeSizeChange).join("; ")}.
            </p>
          ) : (
            <p>{against ? "Nothing grew since the build it is compared with." : "There is no earlier build of this profile to compare with."}</p>
          )}
        </div>
      )}
      <SizeBar parts={parts} total={sizes.uncompressedBytes} />
      <Table label="Parts of the ISO, largest first" columns={["Part", "Version", "Size", "Share"]}>
        {parts.map((p) => (
          <tr key={`${p.kind} ${p.name}`} data-testid={`size-part-${p.kind}-${p.name}`}>
            <Cell>
              <span aria-hidden className={`mr-2 inline-block h-3 w-3 rounded-sm align-middle ${colorOf(p, parts)}`} />
              {partLabel(p)}
            </Cell>
            <Cell className="break-all text-slate-600">{p.version ?? "—"}</Cell>
            <Cell className="tabular-nums">{formatSize(p.bytes)}</Cell>
            <Cell className="tabular-nums text-slate-600">{percent(p.bytes, sizes.uncompressedBytes).toFixed(1)} %</Cell>
          </tr>
        ))}
      </Table>
      <SizeDiffView comparison={comparison} candidates={candidates} againstProblem={againstProblem} />
    </section>
  );
}

function colorOf(part: SizePart, parts: SizePart[]): string {
  if (part.kind !== "package") return KINDS[part.kind].color;
  return PACKAGE_SHADES[parts.filter((p) => p.kind === "package").indexOf(part) % PACKAGE_SHADES.length]!;
}

/** The stacked bar: one segment per part, as wide as its share; hovering one names it. The table says the same in text. */
function SizeBar({ parts, total }: { parts: SizePart[]; total: number }) {
  return (
    <div aria-hidden data-testid="size-bar" className="flex h-10 w-full overflow-hidden rounded-md ring-1 ring-slate-200">
      {parts.map((p) => {
        const share = percent(p.bytes, total);
        const title = `${partLabel(p)}${p.version ? ` ${p.version}` : ""}: ${formatSize(p.bytes)} (${share.toFixed(1)} %)`;
        return (
          <div
            key={`${p.kind} ${p.name}`}
            title={title}
            style={{ width: `${share}%` }}
            className={`group relative h-full min-w-px border-r border-white/60 ${colorOf(p, parts)} hover:brightness-110`}
          >
            {share > 9 && <span className="absolute inset-0 truncate px-1 text-xs leading-10 text-white">{shortLabel(p)}</span>}
          </div>
        );
      })}
    </div>
  );
}

/** The changes against the compared build, largest first, and a picker for any other build. */
function SizeDiffView({
  comparison,
  candidates,
  againstProblem,
}: {
  comparison: BuildSizeComparison;
  candidates: { id: string; label: string }[];
  againstProblem?: string;
}) {
  const { against, diff } = comparison;
  return (
    <div className="space-y-3" data-testid="size-diff">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h3 className="font-medium">
          {against ? `Changes since build ${against.buildId.slice(0, 10)} (r${against.revisionNumber})` : "Changes"}
          {diff && (
            <span className="ml-2 font-normal text-slate-600">
              ISO {formatSignedBytes(diff.compressedDeltaBytes)}, uncompressed {formatSignedBytes(diff.uncompressedDeltaBytes)}
            </span>
          )}
        </h3>
        {candidates.length > 0 && (
          <form method="get" className="flex items-end gap-2">
            <label className="text-sm">
              <span className="block text-slate-700">Compare with</span>
              <select name="against" defaultValue={against?.buildId} className="mt-1 rounded-md bg-white px-2 py-1.5 ring-1 ring-slate-300">
                {candidates.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
            <Button type="submit" variant="secondary">
              Compare
            </Button>
          </form>
        )}
      </div>
      {againstProblem && (
        <p role="alert" className="text-red-700">
          {againstProblem}
        </p>
      )}
      {!against ? (
        <p className="text-slate-600">This is the profile&apos;s first successful build: there is nothing earlier to compare with. Pick any build above.</p>
      ) : !diff ? (
        <p className="text-slate-600">That build&apos;s host recorded no sizes: nothing to compare.</p>
      ) : diff.changes.length === 0 ? (
        <p className="text-slate-600">No part changed.</p>
      ) : (
        <Table label="Size changes, largest first" columns={["Part", "Change", "Version", "Size"]}>
          {diff.changes.map((c) => (
            <tr key={`${c.kind} ${c.name}`} data-testid={`size-change-${c.kind}-${c.name}`}>
              <Cell>{partLabel(c)}</Cell>
              <Cell>{CHANGE_LABEL[c.change]}</Cell>
              <Cell className="break-all text-slate-600">
                {c.change === "size" ? (c.toVersion ?? "—") : `${c.fromVersion ?? "∅"} → ${c.toVersion ?? "∅"}`}
                {c.debs
                  .filter((d) => d.name !== c.name)
                  .map((d) => (
                    <span key={d.name} className="block text-xs">
                      {d.name} {d.from ?? "∅"} → {d.to ?? "∅"}
                    </span>
                  ))}
              </Cell>
              <Cell className={`tabular-nums ${c.deltaBytes > 0 ? "text-red-700" : c.deltaBytes < 0 ? "text-emerald-700" : ""}`}>
                {formatSignedBytes(c.deltaBytes)}
              </Cell>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
