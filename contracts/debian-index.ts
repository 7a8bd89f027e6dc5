// Reading Debian's archive index: control stanzas, relation fields and version order, as dpkg defines them.
// Pure (no Node module): the generator, the resolver's tests and the browser's closure display share it.

/** One stanza of a deb822 file (Packages, Release), field names lower-cased, continuation lines joined. */
export function parseStanzas(text: string): Map<string, string>[] {
  const stanzas: Map<string, string>[] = [];
  let fields = new Map<string, string>();
  let last = "";
  for (const line of text.split("\n")) {
    if (line === "") {
      if (fields.size > 0) stanzas.push(fields);
      fields = new Map();
      continue;
    }
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (last) fields.set(last, `${fields.get(last)}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    last = line.slice(0, colon).toLowerCase();
    fields.set(last, line.slice(colon + 1).trim());
  }
  if (fields.size > 0) stanzas.push(fields);
  return stanzas;
}

export type RelationOp = "<<" | "<=" | "=" | ">=" | ">>";
/** One package named in a relation field, e.g. `libc6 (>= 2.34)`. */
export type Relation = { name: string; op?: RelationOp; version?: string };

/** `a (>= 1) | b, c` -> [[a>=1, b], [c]]: a list of groups, each satisfied by its first satisfiable alternative. */
export function parseRelations(field: string | undefined): Relation[][] {
  if (!field) return [];
  return field
    .split(",")
    .map((group) =>
      group
        .split("|")
        .map((alt) => {
          const m = /^\s*([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9-]+)?\s*(?:\(\s*(<<|<=|=|>=|>>|<|>)\s*([^)\s]+)\s*\))?/.exec(alt);
          if (!m) return undefined;
          // `<` and `>` are obsolete spellings of `<=` and `>=` (Debian policy 7.1).
          const op = m[2] === "<" ? "<=" : m[2] === ">" ? ">=" : (m[2] as RelationOp | undefined);
          return { name: m[1]!, ...(op ? { op, version: m[3]! } : {}) };
        })
        .filter((r): r is Relation => r !== undefined),
    )
    .filter((group) => group.length > 0);
}

function charOrder(c: string | undefined): number {
  if (c === undefined || (c >= "0" && c <= "9")) return 0;
  if (c === "~") return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

/** dpkg's verrevcmp: alternating non-digit runs (with `~` before everything) and numeric runs. */
function compareParts(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const diff = charOrder(a[i]) - charOrder(b[j]);
      if (diff !== 0) return diff;
      i++;
      j++;
    }
    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    let first = 0;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (first === 0) first = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (first !== 0) return first;
  }
  return 0;
}

function splitVersion(v: string): [number, string, string] {
  const colon = v.indexOf(":");
  const epoch = colon > 0 ? Number(v.slice(0, colon)) : 0;
  const rest = colon > 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf("-");
  return dash > 0 ? [epoch, rest.slice(0, dash), rest.slice(dash + 1)] : [epoch, rest, ""];
}

/** Debian version order (epoch, upstream, revision): negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const [ea, ua, ra] = splitVersion(a);
  const [eb, ub, rb] = splitVersion(b);
  return ea - eb || compareParts(ua, ub) || compareParts(ra, rb);
}

export function satisfiesVersion(version: string, rel: Relation): boolean {
  if (!rel.op || rel.version === undefined) return true;
  const c = compareVersions(version, rel.version);
  switch (rel.op) {
    case "<<":
      return c < 0;
    case "<=":
      return c <= 0;
    case "=":
      return c === 0;
    case ">=":
      return c >= 0;
    case ">>":
      return c > 0;
  }
}

export function formatRelation(rel: Relation): string {
  return rel.op ? `${rel.name} (${rel.op} ${rel.version})` : rel.name;
}
