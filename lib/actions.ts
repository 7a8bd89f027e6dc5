import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { requireActor } from "@/lib/auth/current-actor";
import { isAppError } from "@/lib/errors";

/**
 * What every server action returns to its form: a message for the whole form, one per field, the typed values
 * back (React resets a form after its action runs), and what a successful action hands over (`data`).
 * `lines` and `latestNumber` carry an AppError's per-line profile-text errors and a stale save's newest revision.
 */
export type FormState<T = undefined> = {
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
  data?: T;
  lines?: { line: number; message: string }[];
  latestNumber?: number;
};

/** A server action as a form component takes it (bound ids already applied), for `useActionState`. */
export type FormAction<T = undefined> = (prev: FormState<T>, form: FormData) => Promise<FormState<T>>;

/** A form's fields, or the plain object a client component calls the action with. */
export type ActionInput = FormData | Record<string, unknown>;

/** Secrets never travel back to the browser inside a form state. */
const SECRET_FIELD = /password/i;
/** A huge field is refused, not echoed back whole (a profile file is at most 64 KB). */
const MAX_KEPT_CHARS = 100_000;

/** The typed text of a form, so a refused form still shows it (Next's own `$ACTION_…` fields and secrets left out). */
export function keptValues(input: ActionInput): Record<string, string> {
  const entries = input instanceof FormData ? [...input.entries()] : Object.entries(input);
  const values: Record<string, string> = {};
  for (const [key, value] of entries)
    if (typeof value === "string" && !key.startsWith("$") && !SECRET_FIELD.test(key)) values[key] = value.slice(0, MAX_KEPT_CHARS);
  return values;
}

/** The first message per field of a zod error (`form` for issues about the whole input). */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) out[String(issue.path[0] ?? "form")] ??= issue.message;
  return out;
}

/** An AppError (or a zod error from deeper down) becomes a message the person can act on; anything else is logged and said plainly. */
export function formStateOf(error: unknown): FormState<never> {
  if (isAppError(error)) {
    const details = error.details ?? {};
    const fieldErrors = Object.fromEntries(Object.entries(details).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    return {
      message: error.message,
      ...(Object.keys(fieldErrors).length > 0 && { fieldErrors }),
      ...(Array.isArray(details.lines) && { lines: details.lines as { line: number; message: string }[] }),
      ...(typeof details.latestNumber === "number" && { latestNumber: details.latestNumber }),
    };
  }
  if (error instanceof z.ZodError) return { message: error.issues.map((i) => i.message).join("; "), fieldErrors: fieldErrorsOf(error) };
  console.error(error);
  return { message: "Something went wrong on our side; nothing was changed. Try again in a moment." };
}

type Handler<S extends z.ZodType, T, A> = (input: z.output<S>, context: A) => Promise<FormState<T> | void>;

async function runAction<S extends z.ZodType, T>(
  schema: S,
  input: ActionInput,
  call: (data: z.output<S>) => Promise<FormState<T> | void>,
): Promise<FormState<T>> {
  const raw = input instanceof FormData ? Object.fromEntries(input.entries()) : input;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error), values: keptValues(input) };
  try {
    return (await call(parsed.data)) ?? {};
  } catch (error) {
    // redirect() and notFound() throw on purpose: they are Next's way out of an action, not failures.
    unstable_rethrow(error);
    return { ...formStateOf(error), values: keptValues(input) };
  }
}

/**
 * The one way to write a server action that needs no account (sign-in, sign-up): `safeParse` first, then the
 * call; an AppError becomes form state with the typed values kept. The handler may `revalidatePath` and `redirect`.
 */
export function validatedAction<S extends z.ZodType, T = undefined>(schema: S, handler: Handler<S, T, { form: ActionInput }>) {
  return async (_prev: FormState<T> | undefined, input: ActionInput): Promise<FormState<T>> =>
    runAction(schema, input, (data) => handler(data, { form: input }));
}

/** The same for everything a signed-in person does (as nextjs/saas-starter's `validatedActionWithUser`): sends anyone else to sign in. */
export function validatedActionWithUser<S extends z.ZodType, T = undefined>(schema: S, handler: Handler<S, T, { actor: Actor; form: ActionInput }>) {
  return async (_prev: FormState<T> | undefined, input: ActionInput): Promise<FormState<T>> => {
    const actor = await requireActor();
    return runAction(schema, input, (data) => handler(data, { actor, form: input }));
  };
}

/** For actions that take nothing but bound ids (Delete, Share, Cancel): no fields to check. */
export const noFields = z.object({});
