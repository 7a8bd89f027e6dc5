import Link from "next/link";

/**
 * Newer / older links of a keyset-paged list (lib/pagination.ts): the cursors are opaque, a page has no number. Not
 * prefetched: every view of a list would render the next page of it too.
 */
export function Pager({ path, newer, older, label }: { path: string; newer: string | null; older: string | null; label: string }) {
  if (!newer && !older) return null;
  return (
    <nav aria-label="Pages" className="mt-6 flex items-center justify-between text-sm">
      {newer ? (
        <span className="flex gap-4">
          <Link className="text-indigo-700 underline" href={path} prefetch={false}>
            ⇤ Newest
          </Link>
          <Link className="text-indigo-700 underline" href={`${path}?before=${newer}`} prefetch={false} data-testid="page-newer">
            ← Newer
          </Link>
        </span>
      ) : (
        <span />
      )}
      <span className="text-slate-600">{label}</span>
      {older ? (
        <Link className="text-indigo-700 underline" href={`${path}?after=${older}`} prefetch={false} data-testid="page-older">
          Older →
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
