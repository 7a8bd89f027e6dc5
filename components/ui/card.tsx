import type { ReactNode } from "react";

/** A titled white card, the page's section for one task ("Invite someone", "New token"); `id` names it for screen readers. */
export function Card({ id, title, className = "", children }: { id: string; title: string; className?: string; children: ReactNode }) {
  return (
    <section className={`rounded-lg bg-white p-4 ring-1 ring-slate-200 ${className}`} aria-labelledby={id}>
      <h2 id={id} className="mb-3 font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}
