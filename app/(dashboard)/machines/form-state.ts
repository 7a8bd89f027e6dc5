import type { z } from "zod";
import { isAppError } from "@/lib/errors";

/** What a form action returns: a message for the whole form and one per field. */
export type FormState = { ok?: boolean; message?: string; fieldErrors?: Record<string, string>; values?: Record<string, string> };

/**
 * React resets a form after its action runs; handing the typed text back as default values
 * means a refused form still shows what the person typed.
 */
export function withValues(state: FormState, form: FormData): FormState {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string" && !key.startsWith("$")) values[key] = value;
  return { ...state, values };
}

export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}

/** An AppError becomes a message the person can act on; anything else is logged and said plainly. */
export function formStateOf(error: unknown): FormState {
  if (isAppError(error)) {
    const fieldErrors = Object.fromEntries(Object.entries(error.details ?? {}).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    return { message: error.message, fieldErrors };
  }
  console.error(error);
  return { message: "Something went wrong on our side; nothing was changed. Try again in a moment." };
}
