// Runs once when the Next.js server starts: the reconciler lives in the app process (never in a worker).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Rate limits need the TCP peer's address, which Next.js does not expose.
  const { stampPeerAddresses } = await import("./lib/auth/client-address");
  await stampPeerAddresses();
  const { startReconciler } = await import("./lib/reconciler");
  startReconciler();
  // Build hosts' Redis users follow the database, also after Redis restarted without them.
  const { keepHostRedisUsersSynced } = await import("./lib/redis-acl");
  await keepHostRedisUsersSynced();
  // No admin yet: the one-time link that creates it, on the console.
  const { announceSetupLink } = await import("./lib/auth/setup");
  await announceSetupLink().catch((error) => console.error(`no setup link: ${(error as Error).message}`));
}
