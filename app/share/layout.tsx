import type { Metadata } from "next";
import { Brand } from "@/components/brand";

// A share link is a secret: keep it out of search engines and out of other sites' Referer headers.
export const metadata: Metadata = { robots: { index: false, follow: false }, referrer: "no-referrer" };

/** Pages anyone with a link may open, signed in or not. */
export default function ShareLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-4xl items-center gap-6 px-4 py-3">
          <Brand href="/machines" />
          <span className="ml-auto text-sm text-slate-600">Shared by link</span>
        </div>
      </header>
      <main className="mx-auto max-w-4xl px-4 py-8">{children}</main>
    </div>
  );
}
