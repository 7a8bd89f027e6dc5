/** A form-level error: what went wrong and what to do. */
export function FormError({ message }: { message: string }) {
  return (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
      {message}
    </p>
  );
}

/** A secret or link shown once, right after it was made, with an optional hint under it. */
export function ShownOnce({ title, value, testId, children }: { title: string; value: string; testId: string; children?: React.ReactNode }) {
  return (
    <div role="status" className="rounded-md bg-emerald-50 p-3 text-sm ring-1 ring-emerald-200">
      <p className="font-medium text-emerald-900">{title}</p>
      <code data-testid={testId} className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono ring-1 ring-emerald-200">
        {value}
      </code>
      {children}
    </div>
  );
}

/** The whole form's outcome under its fields: green when it worked, red when it was refused. */
export function FormMessage({ state }: { state: { ok?: boolean; message?: string } }) {
  return (
    <p role="status" className={`text-sm whitespace-pre-line sm:col-span-full ${state.ok ? "text-green-700" : "text-red-700"}`}>
      {state.message}
    </p>
  );
}

/** What a list shows while it has nothing in it: what is missing, and (under it) how to get some. */
export function EmptyState({ title, hint, className = "" }: { title: string; hint?: string; className?: string }) {
  return (
    <div className={`rounded-lg border-2 border-dashed border-slate-300 p-10 text-center text-slate-600 ${className}`}>
      <p className="font-medium">{title}</p>
      {hint && <p className="mt-1 text-sm">{hint}</p>}
    </div>
  );
}
