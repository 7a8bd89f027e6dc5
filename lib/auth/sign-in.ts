import { setTimeout as sleep } from "node:timers/promises";
import { AppError } from "../errors";
import { beginSignInAttempt, endSignInAttemptWithSuccess } from "../rate-limit";
import type { Actor } from "./actor";
import { signInSchema, verifyCredentials, MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH } from "./sessions";

/**
 * Signs a person in with email and password from `address`. The input's size is checked before anything else
 * (nothing of a huge email reaches Redis or the database); an address with too many failures is refused; an
 * account with recent failures answers more slowly each time, but is never locked.
 */
export async function signInWithPassword({ email, password, address }: { email: unknown; password: unknown; address: string }): Promise<Actor> {
  if (typeof email === "string" && email.length > MAX_EMAIL_LENGTH) {
    throw new AppError("BAD_REQUEST", `An email address is at most ${MAX_EMAIL_LENGTH} characters: check what you typed`, {
      email: `At most ${MAX_EMAIL_LENGTH} characters`,
    });
  }
  if (typeof password === "string" && password.length > MAX_PASSWORD_LENGTH) {
    throw new AppError("BAD_REQUEST", `A password is at most ${MAX_PASSWORD_LENGTH} characters`, { password: `At most ${MAX_PASSWORD_LENGTH} characters` });
  }
  const parsed = signInSchema.safeParse({ email, password });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError("BAD_REQUEST", issue.message, { [String(issue.path[0] ?? "email")]: issue.message });
  }
  const { delayMs } = await beginSignInAttempt({ email: parsed.data.email, address });
  if (delayMs > 0) await sleep(delayMs);
  const actor = await verifyCredentials(parsed.data);
  await endSignInAttemptWithSuccess({ email: parsed.data.email, address });
  return actor;
}
