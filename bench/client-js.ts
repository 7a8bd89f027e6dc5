// The JavaScript each page makes a browser load first: every <script src> of the page's HTML as served (but the
// nomodule ones a modern browser skips), fetched
// and gzipped here (level 6, as a server would), summed per page. Also whether any chunk carries a Node polyfill.
import { gzipSync } from "node:zlib";
import { figure, type Figure } from "./support";

const GROUP = "client JS (first load, gzipped)";
/** What a bundled Node polyfill leaves in a chunk (crypto-browserify, buffer, process, stream-browserify). */
const POLYFILL_MARKS = [/createHash.*browserify/, /readable-stream/, /inherits_browser/, /"node:crypto"|node:buffer|node:stream/, /randombytes/];

export async function benchClientJs(options: { appUrl: string; cookie: string; pages: [string, string][]; log?: (s: string) => void }): Promise<Figure[]> {
  const cache = new Map<string, { gzipped: number; polyfill: boolean }>();
  const rows: Figure[] = [];
  let largest = 0;
  for (const [name, path] of options.pages) {
    const response = await fetch(`${options.appUrl}${path}`, { headers: { cookie: options.cookie }, redirect: "manual" });
    const html = await response.text();
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
    // A nomodule script (Next.js's legacy polyfills) is never loaded by a browser that runs modules.
    const tags = [...html.matchAll(/<script([^>]*)\ssrc="([^"]+)"([^>]*)>/g)].filter((m) => !/nomodule/i.test(`${m[1]}${m[3]}`));
    const sources = [...new Set(tags.map((m) => m[2]!))];
    let total = 0;
    let polyfills = 0;
    for (const src of sources) {
      let chunk = cache.get(src);
      if (!chunk) {
        const text = await (await fetch(new URL(src, options.appUrl))).text();
        chunk = { gzipped: gzipSync(text, { level: 6 }).length, polyfill: POLYFILL_MARKS.some((m) => m.test(text)) };
        cache.set(src, chunk);
      }
      total += chunk.gzipped;
      if (chunk.polyfill) polyfills += 1;
    }
    largest = Math.max(largest, total);
    rows.push(figure(GROUP, name, total, "B", { note: `${sources.length} scripts${polyfills ? `; ${polyfills} with a Node polyfill` : ""}` }));
  }
  const withPolyfill = [...cache.values()].filter((c) => c.polyfill).length;
  rows.push(figure(GROUP, "chunks carrying a Node polyfill", withPolyfill, "n", { note: `of ${cache.size} chunks the pages load` }));
  rows.push(figure(GROUP, "largest page", largest, "B", { baseline: { name: "200 KB target", value: 200_000 } }));
  return rows;
}
