import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

/**
 * Where this machine's apt gets Debian packages from, read at run time from apt's own configuration, so no mirror
 * host is ever written into the repository. A pinned .deb is stored as (suite, archive-relative path); the suite
 * is mapped back to a URI here.
 */
export type AptSource = { uri: string; suites: string[]; components: string[] };

/** Parses one-line `deb URI SUITE COMPONENT...` lists. */
export function parseOneLineSources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line.startsWith("deb ")) continue;
    const words = line
      .slice(4)
      .replace(/\[[^\]]*\]/, "")
      .trim()
      .split(/\s+/);
    const [uri, suite, ...components] = words;
    if (uri && suite) sources.push({ uri: stripSlash(uri), suites: [suite], components });
  }
  return sources;
}

/** Parses deb822 `.sources` stanzas (Types/URIs/Suites/Components), skipping disabled and deb-src-only ones. */
export function parseDeb822Sources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const raw of stanza.split(/\r?\n/)) {
      if (raw.startsWith("#")) continue;
      const cont = /^\s+(.*)$/.exec(raw);
      if (cont && last) {
        fields.set(last, `${fields.get(last)} ${cont[1]}`);
        continue;
      }
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(raw);
      if (m) {
        last = m[1]!.toLowerCase();
        fields.set(last, m[2]!.trim());
      }
    }
    const types = (fields.get("types") ?? "").split(/\s+/);
    if (!types.includes("deb") || /^(no|false)$/i.test(fields.get("enabled") ?? "yes")) continue;
    const suites = (fields.get("suites") ?? "").split(/\s+/).filter(Boolean);
    const components = (fields.get("components") ?? "").split(/\s+/).filter(Boolean);
    for (const uri of (fields.get("uris") ?? "").split(/\s+/).filter(Boolean)) {
      sources.push({ uri: stripSlash(uri), suites, components });
    }
  }
  return sources;
}

/** Every enabled `deb` source of this machine (sources.list, sources.list.d/*.list and *.sources). */
export function readAptSources(etcApt = "/etc/apt"): AptSource[] {
  const sources: AptSource[] = [];
  const main = join(etcApt, "sources.list");
  if (existsSync(main)) sources.push(...parseOneLineSources(readFileSync(main, "utf8")));
  const dir = join(etcApt, "sources.list.d");
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      const text = readFileSync(join(dir, name), "utf8");
      if (name.endsWith(".list")) sources.push(...parseOneLineSources(text));
      else if (name.endsWith(".sources")) sources.push(...parseDeb822Sources(text));
    }
  }
  return sources;
}

/** The URI that serves a suite's pool, e.g. "bookworm-security" -> the security archive's URI. */
export function uriForSuite(sources: AptSource[], suite: string): string | undefined {
  return sources.find((s) => s.suites.includes(suite))?.uri;
}

/** Splits a download URL printed by apt into (suite, archive-relative path), by the source whose URI prefixes it. */
export function splitAptUrl(sources: AptSource[], url: string): { suite: string; path: string } | undefined {
  const source = sources.filter((s) => url.startsWith(`${s.uri}/`)).sort((a, b) => b.uri.length - a.uri.length)[0];
  if (!source || source.suites.length === 0) return undefined;
  return { suite: source.suites[0]!, path: decodeURIComponent(url.slice(source.uri.length + 1)) };
}

function stripSlash(uri: string): string {
  return uri.replace(/\/+$/, "");
}
