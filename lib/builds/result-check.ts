import { buildResultSchema, requiredBootFirmwares, type BuildResult, type BuildSizes } from "@/contracts/build-result";
import { selectionSchema, type Selection } from "@/contracts/selection";

/**
 * A host's result is a claim, not a fact: it is parsed by the contract and must describe this build (selection hash,
 * channel, channel revision, arch), the ISO the app received (sha256, size), and boot tests that passed on every
 * firmware the selection needs, and sizes (version 2) that add up and name exactly the selection's parts. Returns the
 * parsed result, or every problem found, each in words.
 */
export function checkResult(options: {
  result: unknown;
  build: { configHash: string; channel: string; channelRevision: string; arch: string };
  selection: unknown;
  iso: { sha256: string; sizeBytes: number };
}): { ok: true; result: BuildResult } | { ok: false; problems: string[] } {
  const parsed = buildResultSchema.safeParse(options.result);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${["result", ...i.path.map(String)].join(".")}: ${i.message}`) };
  }
  const result = parsed.data;
  const { build, iso } = options;
  const problems: string[] = [];
  const expect = (what: string, got: string | number, wanted: string | number) => {
    if (got !== wanted) problems.push(`its ${what} is ${got}, the build's is ${wanted}`);
  };
  expect("selection hash", result.selectionHash, build.configHash);
  expect("channel", result.channel, build.channel);
  expect("channel revision", result.channelRevision, build.channelRevision);
  expect("arch", result.arch, build.arch);
  if (result.sha256 !== iso.sha256) problems.push(`its ISO sha256 is ${result.sha256}, the uploaded ISO's is ${iso.sha256}`);
  if (result.isoSizeBytes !== iso.sizeBytes) problems.push(`its ISO is ${result.isoSizeBytes} bytes, the uploaded ISO is ${iso.sizeBytes} bytes`);
  for (const test of result.bootTests.filter((t) => !t.passed)) problems.push(`its ${test.firmware} boot test failed (${test.problem ?? "no reason given"})`);
  // Passing is judged from the marker the booted system printed, not from the host's word alone.
  for (const test of result.bootTests.filter((t) => t.passed && (!t.marker || t.problem))) {
    problems.push(`its ${test.firmware} boot test says passed but ${test.marker ? `names a problem (${test.problem})` : "shows no marker line"}`);
  }
  const selection = selectionSchema.safeParse(options.selection);
  if (selection.success) {
    const tested = new Set(result.bootTests.filter((t) => t.passed).map((t) => t.firmware));
    for (const firmware of requiredBootFirmwares(selection.data)) {
      if (!tested.has(firmware)) problems.push(`it has no passed ${firmware} boot test, which this selection needs`);
    }
    if (result.version === 2) problems.push(...sizeProblems(result.sizes, selection.data, iso.sizeBytes));
  } else problems.push("the build's own selection is unreadable");
  return problems.length === 0 ? { ok: true, result } : { ok: false, problems };
}

/** The host's size record must add up, total the uploaded ISO, and have one part per choice of the selection. */
function sizeProblems(sizes: BuildSizes, selection: Selection, isoBytes: number): string[] {
  const problems: string[] = [];
  if (sizes.compressedBytes !== isoBytes) problems.push(`its sizes say the ISO is ${sizes.compressedBytes} bytes, the uploaded ISO is ${isoBytes} bytes`);
  const sum = sizes.parts.reduce((total, part) => total + part.bytes, 0);
  if (sum !== sizes.uncompressedBytes) problems.push(`its size parts add up to ${sum} bytes, not the ${sizes.uncompressedBytes} it says`);
  const seen = new Set<string>();
  for (const part of sizes.parts) {
    const key = `${part.kind} ${part.name}`;
    if (seen.has(key)) problems.push(`its sizes list the ${key} part twice`);
    seen.add(key);
  }
  const namesOf = (kind: string) => sizes.parts.filter((p) => p.kind === kind).map((p) => p.name);
  const expectOne = (kind: string, wanted: string | undefined) => {
    const got = namesOf(kind);
    if (wanted !== undefined && (got.length !== 1 || got[0] !== wanted))
      problems.push(`its sizes name ${kind} ${got.join(", ") || "none"}, the selection ${wanted}`);
  };
  expectOne("kernel", selection.roles.kernel);
  expectOne("modules", selection.roles.kernel);
  expectOne("bootloader", selection.roles.bootloader);
  if (namesOf("base").length === 0) problems.push("its sizes have no base part");
  const packages = new Set(selection.packages);
  const measured = new Set(namesOf("package"));
  const missing = [...packages].filter((p) => !measured.has(p));
  const extra = [...measured].filter((p) => !packages.has(p));
  if (missing.length > 0) problems.push(`its sizes leave out the package${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
  if (extra.length > 0) problems.push(`its sizes name package${extra.length > 1 ? "s" : ""} ${extra.join(", ")}, which the selection does not have`);
  for (const kind of ["shell", "ssh"] as const) {
    const wanted = selection.roles[kind];
    for (const name of namesOf(kind)) if (name !== wanted) problems.push(`its sizes name ${kind} ${name}, the selection ${wanted ?? "none"}`);
  }
  return problems;
}
