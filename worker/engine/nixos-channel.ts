import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalSelectionJson, type Selection } from "../../contracts/selection";
import { channelDir } from "./channels";
import { nixEnv } from "./nix";

/**
 * The `nixos` channel cannot build offline (it needs nixpkgs and a binary cache). What can be checked here is that
 * its fixed expression parses and what its mapping makes of a selection: NixOS option paths to values, with
 * package references as nixpkgs attribute names ({ pkg: "firefox" }).
 */
export type NixosPlan = Record<string, unknown>;

export function evalNixosPlan(selection: Selection): NixosPlan {
  const dir = mkdtempSync(join(tmpdir(), "zxcv-nixos-"));
  try {
    const file = join(dir, "selection.json");
    writeFileSync(file, canonicalSelectionJson(selection));
    const expr = `(import ${join(channelDir("nixos"), "mapping.nix")} { catalog = builtins.fromJSON (builtins.readFile ${join(channelDir("nixos"), "catalog.json")}); }) (builtins.fromJSON (builtins.readFile ${file}))`;
    const out = execFileSync("nix-instantiate", ["--eval", "--strict", "--json", "-E", expr], {
      env: nixEnv(),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(out) as NixosPlan;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Parses (does not evaluate) every expression of the nixos channel; throws with Nix's message on a syntax error. */
export function parseNixosExpressions(): void {
  for (const file of ["default.nix", "mapping.nix"]) {
    execFileSync("nix-instantiate", ["--parse", join(channelDir("nixos"), file)], { env: nixEnv(), stdio: ["ignore", "ignore", "pipe"] });
  }
}
