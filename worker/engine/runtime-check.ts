/**
 * The runtime check's report: for each chosen package the booted system prints one line (nix/channels/mini/
 * runtime-check.sh, run by init before the marker), e.g.
 *   ZXCV-RUNTIME htop elf=1 missing=none command=ok
 *   ZXCV-RUNTIME foo elf=3 missing=/usr/bin/foo:libbar.so.1+ command=failed-127
 * This reads those lines from the serial console and names every package that does not run, and why.
 */
export type RuntimeLine = { id: string; elf: number; missing: { file: string; libraries: string[] }[]; command: string };

export function parseRuntimeLine(line: string): RuntimeLine | undefined {
  const m = /ZXCV-RUNTIME (\S+) elf=(\d+) missing=(\S+) command=(\S+)/.exec(line);
  if (!m) return undefined;
  const missing =
    m[3] === "none"
      ? []
      : m[3]!.split(",").map((entry) => {
          const [file, libs] = entry.split(":");
          return { file: file!, libraries: (libs ?? "").split("+").filter(Boolean) };
        });
  return { id: m[1]!, elf: Number(m[2]), missing, command: m[4]! };
}

/** A summary for the marker check's detail, and one problem per package that does not run (or never reported). */
export function runtimeReport(serialLines: string[], packages: string[]): { detail: string; problems: string[] } {
  const byId = new Map<string, RuntimeLine>();
  for (const line of serialLines) {
    const parsed = parseRuntimeLine(line);
    if (parsed) byId.set(parsed.id, parsed);
  }
  const problems: string[] = [];
  let elf = 0;
  let commands = 0;
  for (const id of packages) {
    const r = byId.get(id);
    if (!r) {
      problems.push(`package ${id}: no runtime check reported`);
      continue;
    }
    elf += r.elf;
    if (r.command === "ok") commands++;
    for (const m of r.missing) problems.push(`package ${id}: ${m.file} does not find ${m.libraries.join(", ")}`);
    if (r.command.startsWith("failed")) problems.push(`package ${id}: its command ${r.command === "failed" ? "failed" : `exited with ${r.command.slice(7)}`}`);
  }
  return { detail: packages.length ? `${packages.length} packages: ${elf} ELF files found their libraries, ${commands} commands ran` : "", problems };
}
