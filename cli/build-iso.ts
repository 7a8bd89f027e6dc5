// npm run iso:build -- profile.txt [--no-boot-test] [--store DIR] [--quiet]
//
// Builds a profile file on this machine without the app (for build-host operators and scripts): parses and validates
// it, builds the ISO with Nix, boot-tests it in QEMU, prints the ISO's path and sha256. Exits non-zero with one line
// (pointing at the profile's line where it can) when parsing, validation, the build or the boot test fails.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseProfileText } from "../contracts/profile-text";
import { validateSelection } from "../contracts/selection";
import { buildIso } from "../worker/engine/build-iso";
import { isChannelId, loadCatalog, repoRoot } from "../worker/engine/channels";
import { EngineError } from "../worker/engine/errors";

function fail(message: string): never {
  console.error(`iso:build: ${message}`);
  process.exit(1);
}

function parseArgs(argv: string[]): { file: string; bootTest: boolean; store?: string; quiet: boolean } {
  let file: string | undefined;
  let bootTest = true;
  let store: string | undefined;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--no-boot-test") bootTest = false;
    else if (arg === "--quiet") quiet = true;
    else if (arg === "--store") store = argv[++i] ?? fail("--store needs a directory");
    else if (arg.startsWith("-")) fail(`unknown option ${arg} (usage: npm run iso:build -- profile.txt [--no-boot-test] [--store DIR] [--quiet])`);
    else if (file) fail("give one profile file");
    else file = arg;
  }
  if (!file) fail("usage: npm run iso:build -- profile.txt [--no-boot-test] [--store DIR] [--quiet]");
  return { file, bootTest, store: store ? resolve(store) : undefined, quiet };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let text: string;
  try {
    text = readFileSync(args.file, "utf8");
  } catch {
    fail(`cannot read ${args.file}`);
  }
  const parsed = parseProfileText(text);
  if (!parsed.ok) fail(parsed.errors.map((e) => `${args.file}:${e.line}: ${e.message}`).join("; "));
  const { selection } = parsed;
  if (!isChannelId(selection.channel)) fail(`${args.file}:${parsed.lineOf({ role: "channel" }) ?? 1}: unknown channel "${selection.channel}"`);
  const problems = validateSelection(loadCatalog(selection.channel), selection);
  if (problems.length > 0) {
    fail(problems.map((p) => `${args.file}:${parsed.lineOf(p.subject) ?? 1}: ${p.message}`).join("; "));
  }
  const abort = new AbortController();
  process.on("SIGINT", () => abort.abort());
  process.on("SIGTERM", () => abort.abort());
  try {
    const result = await buildIso({
      selection,
      store: args.store,
      workDir: join(repoRoot, ".state", "cli"),
      bootTest: args.bootTest,
      signal: abort.signal,
      onLog: args.quiet ? undefined : (line) => console.error(line),
      onPhase: args.quiet ? undefined : (p) => (p.total === undefined || p.done === 0 ? console.error(`== ${p.phase}`) : undefined),
    });
    for (const t of result.bootTests) {
      console.error(`boot test ${t.firmware}: passed in ${t.seconds} s: ${t.marker}`);
      for (const c of t.checks ?? []) console.error(`  ${c.name.padEnd(8)} passed at ${c.seconds} s${c.detail ? `: ${c.detail}` : ""}`);
    }
    console.error(`built ${result.builtDerivations} derivation(s); channel revision ${result.channelRevision.slice(0, 12)}`);
    console.log(result.isoPath);
    console.log(`${result.sha256}  ${result.isoPath.split("/").pop()}`);
  } catch (err) {
    if (err instanceof EngineError) fail(err.message);
    fail(err instanceof Error ? err.message : String(err));
  }
}

void main();
