import type { InputHTMLAttributes } from "react";

/** A labelled input with its error message underneath, linked for screen readers. */
export function Field({ label, name, error, ...props }: InputHTMLAttributes<HTMLInputElement> & { label: string; name: string; error?: string }) {
  const errorId = `${name}-error`;
  return (
    <label className="block text-sm">
      <span className="font-medium text-slate-700">{label}</span>
      <input
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        className="mt-1 block w-full rounded-md border-0 px-3 py-2 ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600 aria-invalid:ring-red-500"
        {...props}
      />
      {error && (
        <span id={errorId} className="mt-1 block text-red-700">
          {error}
        </span>
      )}
    </label>
  );
}
