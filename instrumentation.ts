// Runs once when the Next.js server starts: the reconciler lives in the app process (never in a worker).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startReconciler } = await import("./lib/reconciler");
  startReconciler();
}
