// zxcv: the ZXCV Composer command line. Run `zxcv help`.
import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { parseArgs } from "node:util";
import { parseProfileText } from "../contracts/profile-text";
import { ApiClient, CliError, loadConfig, printable, saveConfig } from "./zxcv/client";
import { diffBuilds } from "./zxcv/diff";
import { downloadIso } from "./zxcv/download";
import { FINISHED, followBuild, ProgressDisplay, type BuildJson } from "./zxcv/follow";

const USAGE = `usage: zxcv <command> [options]

  login --url URL --token TOKEN          check the token and store it in ~/.config/zxcv/config.json (mode 0600)
  push FILE --machine NAME [--profile NAME] [--arch x86_64|aarch64]
                                         upload a profile file as a new revision (creates the machine/profile if needed)
  build PROFILE_ID [--follow]            queue a build of the profile's latest revision
  build --file FILE --machine NAME [--profile NAME] [--follow]
                                         push the file, then build it
  follow BUILD_ID                        stream a build's log with a progress bar until it finishes (rides through
                                         server outages, exits with the build's outcome)
  download BUILD_ID [-o FILE|FOLDER]     download the build's ISO (resuming a FILE.part) and verify its sha256
  diff [BUILD_A] BUILD_B                 what changed in size from A to B, largest first (A: B's profile's previous
                                         successful build)

ZXCV_URL and ZXCV_TOKEN override the stored login. Exit codes: 0 ok, 1 error, 2 usage, 3 build failed, 4 checksum mismatch.`;

type Machine = { id: string; name: string; arch: string };
type Revision = { id: string; number: number; configHash: string };
type Profile = { id: string; name: string; channel: string; latest: Revision };

const OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  machine: { type: "string" },
  profile: { type: "string" },
  arch: { type: "string" },
  file: { type: "string" },
  follow: { type: "boolean", short: "f" },
  output: { type: "string", short: "o" },
  help: { type: "boolean", short: "h" },
} as const;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (!command || command === "help" || values.help) {
    console.log(USAGE);
    return 0;
  }
  switch (command) {
    case "login":
      return login(values.url, values.token);
    case "push": {
      const file = requireArg(args[0], "FILE");
      await push(new ApiClient(await loadConfig()), file, values);
      return 0;
    }
    case "build":
      return build(new ApiClient(await loadConfig()), args[0], values);
    case "follow": {
      const buildId = requireArg(args[0], "BUILD_ID");
      return follow(new ApiClient(await loadConfig()), buildId);
    }
    case "download": {
      const buildId = requireArg(args[0], "BUILD_ID");
      return downloadIso(new ApiClient(await loadConfig()), buildId, values.output);
    }
    case "diff": {
      const to = requireArg(args.at(-1), "BUILD_B");
      if (args.length > 2) throw new CliError(`diff takes one or two build ids\n${USAGE}`, 2);
      return diffBuilds(new ApiClient(await loadConfig()), args.length === 2 ? args[0] : undefined, to);
    }
    default:
      throw new CliError(`unknown command "${command}"\n${USAGE}`, 2);
  }
}

function requireArg(value: string | undefined, name: string): string {
  if (!value) throw new CliError(`missing ${name}\n${USAGE}`, 2);
  return value;
}

async function login(url: string | undefined, token: string | undefined): Promise<number> {
  if (!url || !token) throw new CliError("usage: zxcv login --url URL --token TOKEN (create a token under Settings > API tokens)", 2);
  if (!/^https?:\/\//.test(url)) throw new CliError(`--url must start with http:// or https:// (got "${url}")`, 2);
  const client = new ApiClient({ url: url.replace(/\/+$/, ""), token });
  const me = await client.json<{ email: string; name: string }>("/api/v1/me");
  const path = await saveConfig(client.config);
  console.log(`logged in to ${client.config.url} as ${me.name} <${me.email}>; saved to ${path}`);
  return 0;
}

/** Finds or creates the machine and profile, then saves the file as the profile's newest revision. */
async function push(client: ApiClient, file: string, options: { machine?: string; profile?: string; arch?: string }): Promise<Profile> {
  if (!options.machine) throw new CliError("push needs --machine NAME (the machine is created if you have none by that name)", 2);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  // Checked here so that a typo is reported with its line before anything is created on the server.
  const local = parseProfileText(text);
  if (!local.ok) throw new CliError(`${file}: ${local.errors.map((e) => `line ${e.line}: ${e.message}`).join("; ")}`);
  const profileName = options.profile ?? basename(file, extname(file));

  const { machines } = await client.json<{ machines: Machine[] }>("/api/v1/machines");
  let machine = machines.find((m) => m.name === options.machine);
  if (!machine) {
    machine = await client.json<Machine>("/api/v1/machines", { method: "POST", body: { name: options.machine, arch: options.arch ?? "x86_64" } });
    console.log(`created machine ${machine.name} (${machine.arch})`);
  }
  const { profiles } = await client.json<{ profiles: Profile[] }>(`/api/v1/profiles?machineId=${encodeURIComponent(machine.id)}`);
  const existing = profiles.find((p) => p.name === profileName);
  if (!existing) {
    const created = await client.json<Profile>("/api/v1/profiles", {
      method: "POST",
      body: { machineId: machine.id, name: profileName, channel: local.selection.channel, selection: local.selection },
    });
    console.log(`created profile ${created.id} (${machine.name} / ${created.name}): revision ${created.latest.number}, config ${created.latest.configHash}`);
    return created;
  }
  const response = await client.request(`/api/v1/profiles/${existing.id}/text`, {
    method: "PUT",
    headers: { "content-type": "text/plain; charset=utf-8" },
    body: text,
  });
  const saved = (await response.json()) as { revision: Revision; created: boolean };
  console.log(
    `${saved.created ? "saved" : "unchanged"} profile ${existing.id} (${machine.name} / ${existing.name}): revision ${saved.revision.number}, config ${saved.revision.configHash}`,
  );
  return { ...existing, latest: saved.revision };
}

async function build(
  client: ApiClient,
  profileId: string | undefined,
  options: { file?: string; machine?: string; profile?: string; arch?: string; follow?: boolean },
): Promise<number> {
  if (!profileId && !options.file) throw new CliError("build needs a PROFILE_ID or --file FILE --machine NAME", 2);
  const revisionId = options.file ? (await push(client, options.file, options)).latest.id : undefined;
  const created = await client.json<BuildJson>("/api/v1/builds", { method: "POST", body: revisionId ? { revisionId } : { profileId } });
  console.log(`build ${created.id}: ${created.status.toLowerCase()}${created.iso ? " (an identical build already made this ISO)" : ""}`);
  if (created.waitingReason) process.stderr.write(`zxcv: ${printable(created.waitingReason)}\n`);
  if (!options.follow) return 0;
  return follow(client, created.id);
}

async function follow(client: ApiClient, buildId: string): Promise<number> {
  const display = new ProgressDisplay(Boolean(process.stderr.isTTY));
  const done = await followBuild(client, buildId, display);
  if (done.status === "SUCCEEDED") {
    console.log(
      `build ${done.id} succeeded${done.iso ? `: ${printable(done.iso.fileName)}, ${done.iso.sizeBytes} bytes, sha256 ${printable(done.iso.sha256)}` : ""}`,
    );
    return 0;
  }
  if (!FINISHED.has(done.status))
    throw new CliError(`build ${done.id} is still ${done.status.toLowerCase()}: the log stream ended early; run \`zxcv follow ${done.id}\``);
  throw new CliError(`build ${done.id} ${done.status.toLowerCase()}${done.failureReason ? `: ${printable(done.failureReason)}` : ""}`, 3);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`zxcv: ${error.message}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(`zxcv: unexpected error: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
