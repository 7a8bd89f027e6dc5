import { getDb } from "../db";
import { getEnv } from "../env";
import { AppError } from "../errors";
import type { Actor } from "./actor";
import { createUser } from "./sessions";
import { hashSecret, newSecret } from "./tokens";

export const SETUP_TOKEN_PREFIX = "zxs";

// The token lives in this process only: a restart prints a new link, and an old one stops working.
const globalForSetup = globalThis as unknown as { zxcvSetupTokenHash?: string };

/**
 * At app start, on a dashboard without an admin: makes a one-time link that creates the admin account and
 * prints it on the console (as Jenkins and Grafana do), so that whoever reaches an open dashboard first does
 * not become its admin. Returns the link, or null when there is an admin already.
 */
export async function announceSetupLink(): Promise<string | null> {
  if (await getDb().user.count({ where: { role: "ADMIN" } })) return null;
  const token = newSecret(SETUP_TOKEN_PREFIX);
  globalForSetup.zxcvSetupTokenHash = hashSecret(token);
  const url = `${getEnv().APP_URL}/sign-up?invite=${encodeURIComponent(token)}`;
  console.log(`[zxcv] this dashboard has no admin yet: create the admin account at ${url} (one-time link, valid until the app restarts)`);
  return url;
}

export function isSetupToken(token: string): boolean {
  return token.startsWith(`${SETUP_TOKEN_PREFIX}_`);
}

/** Creates the admin account with the setup link's token; the token works once. */
export async function createAdminWithSetupToken({ token, ...input }: { token: string; email: string; name: string; password: string }): Promise<Actor> {
  const expected = globalForSetup.zxcvSetupTokenHash;
  if (!expected || hashSecret(token) !== expected) {
    throw new AppError(
      "FORBIDDEN",
      "This setup link is not valid: it was used already, or the app restarted since. Use the link the start command printed last",
    );
  }
  globalForSetup.zxcvSetupTokenHash = undefined;
  try {
    return await createUser({ ...input, role: "ADMIN" });
  } catch (error) {
    globalForSetup.zxcvSetupTokenHash = expected;
    throw error;
  }
}
