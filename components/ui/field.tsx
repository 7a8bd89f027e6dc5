import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

/** The look of every text input, select and textarea. */
export const inputClass =
  "mt-1 block w-full rounded-md border-0 bg-white px-3 py-2 ring-1 ring-slate-300 focus:ring-2 focus:ring-indigo-600 aria-invalid:ring-red-500";

/** A label over a control with the control's error message underneath, linked for screen readers. */
function Labelled({ label, name, error, className = "", children }: { label: string; name: string; error?: string; className?: string; children: ReactNode }) {
  return (
    <label className={`block text-sm ${className}`}>
      <span className="font-medium text-slate-700">{label}</span>
      {children}
      {error && (
        <span id={`${name}-error`} className="mt-1 block text-red-700">
          {error}
        </span>
      )}
    </label>
  );
}

const errorProps = (name: string, error?: string) => ({ "aria-invalid": error ? true : undefined, "aria-describedby": error ? `${name}-error` : undefined });

/** A labelled input with its error message underneath. */
export function Field({ label, name, error, className, ...props }: InputHTMLAttributes<HTMLInputElement> & { label: string; name: string; error?: string }) {
  return (
    <Labelled label={label} name={name} error={error}>
      <input name={name} {...errorProps(name, error)} className={`${inputClass} ${className ?? ""}`} {...props} />
    </Labelled>
  );
}

/** A labelled `<select>` of value/label options with its error message underneath. */
export function SelectField({
  label,
  name,
  error,
  options,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string; name: string; error?: string; options: readonly { value: string; label: string }[] }) {
  return (
    <Labelled label={label} name={name} error={error}>
      <select name={name} {...errorProps(name, error)} className={inputClass} {...props}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Labelled>
  );
}

/** A labelled textarea with its error message underneath. */
export function TextAreaField({
  label,
  name,
  error,
  className,
  ...props
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; name: string; error?: string }) {
  return (
    <Labelled label={label} name={name} error={error} className={className}>
      <textarea name={name} {...errorProps(name, error)} className={inputClass} {...props} />
    </Labelled>
  );
}
