import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { StackError, say } from "./log";

/** Debian packages the stack needs on the host, one per line in scripts/apt-packages.txt. */
export function requiredDebianPackages(file = "scripts/apt-packages.txt"): string[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter(Boolean);
}

function isInstalled(pkg: string): boolean {
  const result = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" });
  return result.status === 0 && result.stdout.includes("install ok installed");
}

function canInstall(): { ok: boolean; prefix: string[] } {
  if (process.getuid?.() === 0) return { ok: true, prefix: [] };
  const sudo = spawnSync("sudo", ["-n", "true"]);
  return sudo.status === 0 ? { ok: true, prefix: ["sudo", "-n"] } : { ok: false, prefix: [] };
}

/**
 * Installs the missing packages with apt-get when this user may (root, or password-less sudo).
 * Otherwise throws one line saying which command to run.
 */
export function ensureDebianPackages(packages: string[]): void {
  const missing = packages.filter((pkg) => !isInstalled(pkg));
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (spawnSync("apt-get", ["--version"]).status !== 0) {
    throw new StackError(`missing Debian packages ${missing.join(", ")} and there is no apt-get here: install them with your package manager`);
  }
  const { ok, prefix } = canInstall();
  if (!ok) throw new StackError(`missing Debian packages ${missing.join(", ")}: run \`sudo ${command}\` and start again`);
  say(`installing Debian packages: ${missing.join(" ")}`);
  const run = (args: string[]) => {
    const [cmd, ...rest] = [...prefix, ...args];
    execFileSync(cmd!, rest, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  };
  try {
    run(["apt-get", "update", "-q"]);
    run(["apt-get", "install", "-y", "-q", "--no-install-recommends", ...missing]);
  } catch {
    throw new StackError(`could not install ${missing.join(", ")} with apt-get: run \`${command}\` by hand to see why`);
  }
}
