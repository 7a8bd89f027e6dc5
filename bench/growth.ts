// npm run bench:growth — how the build grows with optional packages (1, 8, all featured) and with concurrent builds on one
// host (1, 2, 4). One fresh separate store: a cold build of the default selection first (the baseline), then every
// figure is a rebuild on that warm base, so only what a change touches is built. No boot tests here (the engine bench
// times those); concurrency runs buildIso N times at once on the same store, as one host with capacity N would.
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { defaultSelection, type Selection } from "../contracts/selection";
import { buildIso } from "../worker/engine/build-iso";
import { loadCatalog } from "../worker/engine/channels";
import { stateDir } from "../worker/engine/seed";
import { figure, timed, type Figure } from "./support";

const GROUP = "growth (warm base, no boot test)";

export async function benchGrowth(options: { log?: (s: string) => void } = {}): Promise<Figure[]> {
  const log = options.log ?? (() => {});
  const catalog = loadCatalog("mini");
  const base = defaultSelection(catalog);
  const dir = resolve(stateDir(), "bench", "growth");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const store = join(dir, "store");
  const build = (selection: Selection, n = 0) => buildIso({ selection, store, workDir: join(dir, `work-${n}`), bootTest: false });
  const figures: Figure[] = [];
  try {
    log("growth: cold build of the default selection");
    const cold = await timed(() => build(base));
    figures.push(
      figure(GROUP, "cold build, default selection (0 packages)", cold.seconds, "s", {
        note: `${cold.value.builtDerivations} derivations; debs from the local cache`,
      }),
    );

    // Optional packages: the first 1, the first 8, then every featured package (bash-completion needs the bash shell).
    const ids = catalog.packages.filter((p) => p.featured).map((p) => p.id);
    const withPackages = (n: number): Selection => {
      const packages = ids.slice(0, n);
      const needsBash = packages.includes("bash-completion");
      return { ...base, roles: needsBash ? { ...base.roles, shell: "bash" } : base.roles, packages };
    };
    let one: { seconds: number; iso: number } | undefined;
    for (const n of [1, 8, ids.length]) {
      log(`growth: ${n} optional package(s)`);
      const run = await timed(() => build(withPackages(n)));
      const label = n === ids.length ? `all ${n}` : String(n);
      one ??= { seconds: run.seconds, iso: run.value.isoSizeBytes };
      figures.push(
        figure(GROUP, `rebuild with ${label} optional package(s)`, run.seconds, "s", {
          baseline: { name: "1 package", value: one.seconds },
          note: `${run.value.builtDerivations} derivations built`,
        }),
      );
      figures.push(
        figure(GROUP, `ISO size with ${label} optional package(s)`, run.value.isoSizeBytes, "B", {
          baseline: { name: "default ISO", value: cold.value.isoSizeBytes },
        }),
      );
    }

    // Concurrency: N distinct selections at once (distinct, or Nix would build each only once) that cost the same:
    // one optional package (unpacked above) with xz compression, so each is a new initramfs + ISO. The xz tool is
    // built once first, outside the timing.
    const xz = (packages: string[]): Selection => ({ ...base, roles: { ...base.roles, compression: "xz" }, packages });
    // Not bash-completion: it brings the bash shell along, and that build would cost more than the others.
    const alike = ids.filter((id) => id !== "bash-completion");
    await build(xz([]));
    let next = 0;
    let single: number | undefined;
    for (const n of [1, 2, 4]) {
      log(`growth: ${n} concurrent build(s)`);
      const batch = alike.slice(next, next + n).map((id) => xz([id]));
      next += n;
      const run = await timed(() => Promise.all(batch.map((s, i) => build(s, i))));
      single ??= run.seconds;
      figures.push(
        figure(GROUP, `${n} concurrent rebuild(s), one package each: wall time`, run.seconds, "s", {
          baseline: { name: "1 build", value: single },
          note: `${run.value.reduce((a, r) => a + r.builtDerivations, 0)} derivations in all`,
        }),
      );
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { printTable } = await import("./table");
  printTable(await benchGrowth({ log: (s) => console.error(`[bench] ${s}`) }));
}
