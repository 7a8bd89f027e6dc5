import { buildResultSchema, requiredBootFirmwares, type BuildResult } from "@/contracts/build-result";
import { selectionSchema } from "@/contracts/selection";

/**
 * A host's result is a claim, not a fact: it is parsed by the contract and must describe this build (selection hash,
 * channel, channel revision, arch), the ISO the app received (sha256, size), and boot tests that passed on every
 * firmware the selection needs. Returns the parsed result, or every problem found, each in words.
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
  } else problems.push("the build's own selection is unreadable");
  return problems.length === 0 ? { ok: true, result } : { ok: false, problems };
}
