// The one table every benchmark prints: group, figure, value, ratio against a baseline from the same run.
import { formatRatio, formatValue, type Figure } from "./support";

function rows(figures: Figure[]): string[][] {
  return figures.map((f) => [f.group, f.name, formatValue(f.value, f.unit), formatRatio(f), f.note ?? ""]);
}

/** A plain-text table for the terminal. */
export function printTable(figures: Figure[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): void {
  const header = ["group", "figure", "value", "ratio", "note"];
  const all = [header, ...rows(figures)];
  const widths = header.map((_, i) => Math.min(70, Math.max(...all.map((r) => r[i]!.length))));
  let lastGroup = "";
  for (const [n, r] of all.entries()) {
    const group = n > 0 && r[0] === lastGroup ? "" : r[0]!;
    if (n > 0) lastGroup = r[0]!;
    out(
      [group, ...r.slice(1)]
        .map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    );
  }
}

/** The same figures as a Markdown table (the README's Benchmarks section). */
export function markdownTable(figures: Figure[]): string {
  const escape = (s: string) => s.replace(/\|/g, "\\|");
  const lines = ["| group | figure | value | ratio | note |", "| --- | --- | ---: | --- | --- |"];
  let lastGroup = "";
  for (const r of rows(figures)) {
    lines.push(`| ${r[0] === lastGroup ? "" : escape(r[0]!)} | ${r.slice(1).map(escape).join(" | ")} |`);
    lastGroup = r[0]!;
  }
  return lines.join("\n");
}
