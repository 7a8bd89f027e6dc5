import Link from "next/link";
import logo from "./logo.svg";

/** The logo and the name, as every page header shows them; a link when `href` is given. */
export function Brand({ href }: { href?: string }) {
  const mark = (
    <>
      <img src={logo.src} alt="" width={28} height={28} className="h-7 w-7" />
      <span>
        ZXCV <span className="text-indigo-600">Composer</span>
      </span>
    </>
  );
  const className = "flex items-center gap-2 text-lg font-semibold tracking-tight";
  return href ? (
    // Not prefetched: it is on every page, and each prefetch is a per-person render of the machines page.
    <Link href={href} className={className} prefetch={false}>
      {mark}
    </Link>
  ) : (
    <p className={className}>{mark}</p>
  );
}
