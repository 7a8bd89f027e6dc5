import { getDb } from "../db";
import { AppError } from "../errors";
import type { Actor } from "./actor";
import { hashPassword, verifyPassword } from "./password";
import { hashSecret, newSecret } from "./tokens";
import { z } from "zod";

export const SESSION_COOKIE = "zxcv_session";
export const SESSION_DAYS = 30;

export const signUpSchema = z.object({
  email: z.email({ message: "Enter an email address such as ada@example.org" }).max(200).transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1, "Enter your name").max(100, "A name is at most 100 characters"),
  password: z.string().min(10, "A password needs at least 10 characters").max(200, "A password is at most 200 characters"),
});

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().min(1, "Enter your email"),
  password: z.string().min(1, "Enter your password"),
});

function toActor(user: { id: string; role: "ADMIN" | "MEMBER"; email: string; name: string }): Actor {
  return { id: user.id, role: user.role, email: user.email, name: user.name };
}

/** Creates an account. The first account on a dashboard becomes its admin. */
export async function createUser(input: z.input<typeof signUpSchema>): Promise<Actor> {
  const { email, name, password } = signUpSchema.parse(input);
  const passwordHash = await hashPassword(password);
  const db = getDb();
  return db.$transaction(async (tx) => {
    // Serialise sign-ups so that exactly one first account becomes admin.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(7270001)`;
    if (await tx.user.findUnique({ where: { email } })) {
      throw new AppError("CONFLICT", "An account with this email already exists: sign in instead", { email: "Already registered" });
    }
    const isFirst = (await tx.user.count()) === 0;
    const user = await tx.user.create({ data: { email, name, passwordHash, role: isFirst ? "ADMIN" : "MEMBER" } });
    return toActor(user);
  });
}

export async function verifyCredentials(input: z.input<typeof signInSchema>): Promise<Actor> {
  const { email, password } = signInSchema.parse(input);
  const user = await getDb().user.findUnique({ where: { email } });
  // Verify against a dummy hash when there is no user, so timing does not reveal which emails exist.
  const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
  if (!user || !ok) throw new AppError("UNAUTHORIZED", "Wrong email or password");
  if (user.disabledAt) throw new AppError("FORBIDDEN", "This account is disabled: ask the dashboard's admin");
  return toActor(user);
}

const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

export async function createSession(userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret("zs");
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000);
  await getDb().session.create({ data: { tokenHash: hashSecret(token), userId, expiresAt } });
  return { token, expiresAt };
}

export async function findSessionActor(token: string | undefined): Promise<Actor | null> {
  if (!token) return null;
  const session = await getDb().session.findUnique({ where: { tokenHash: hashSecret(token) }, include: { user: true } });
  if (!session || session.expiresAt < new Date() || session.user.disabledAt) return null;
  return toActor(session.user);
}

export async function deleteSession(token: string | undefined): Promise<void> {
  if (!token) return;
  await getDb().session.deleteMany({ where: { tokenHash: hashSecret(token) } });
}
