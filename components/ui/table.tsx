import type { ReactNode } from "react";

/** A list of rows on a white card: the column heads, then one `<tr>` per item (use `Cell`). `label` names it for screen readers. */
export function Table({ label, columns, children, className = "" }: { label: string; columns: string[]; children: ReactNode; className?: string }) {
  return (
    <table className={`w-full rounded-lg bg-white text-left text-sm ring-1 ring-slate-200 ${className}`} aria-label={label}>
      <thead className="text-slate-600">
        <tr>
          {columns.map((column, index) => (
            <th key={index} className="px-4 py-2 font-medium">
              {column || <span className="sr-only">Actions</span>}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-200">{children}</tbody>
    </table>
  );
}

/** One cell of a `Table` row. */
export function Cell({ children, className = "" }: { children?: ReactNode; className?: string }) {
  return <td className={`px-4 py-2 ${className}`}>{children}</td>;
}
