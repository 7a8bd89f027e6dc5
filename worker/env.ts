import { z } from "zod";

/** The worker's whole configuration. No database credentials: a build host talks to the app over HTTP. */
const workerEnvSchema = z.object({
  REDIS_URL: z.url({ message: "REDIS_URL must be the redis:// URL of the dashboard's queue" }),
  APP_URL: z.url({ message: "APP_URL must be the dashboard's URL, e.g. http://127.0.0.1:3000" }),
  ZXCV_HOST_TOKEN: z.string().min(10, "ZXCV_HOST_TOKEN is the token from the dashboard's Build hosts page"),
  ZXCV_HOST_NAME: z.string().min(1).max(100),
  ZXCV_HOST_ARCH: z.enum(["x86_64", "aarch64"]).default("x86_64"),
  ZXCV_HOST_CAPACITY: z.coerce.number().int().min(1).max(64).default(1),
  ZXCV_WORK_DIR: z.string().min(1).default(".state/worker"),
  /** Boot-test every ISO in QEMU before uploading it. The app refuses results without passed boot tests: 0 only for debugging. */
  ZXCV_BOOT_TEST: z
    .enum(["0", "1"])
    .default("1")
    .transform((v) => v === "1"),
  ZXCV_HEARTBEAT_MS: z.coerce.number().int().min(100).default(5_000),
  /** How soon a job held by a killed worker is handed to another (BullMQ lock and stall check). */
  ZXCV_LOCK_MS: z.coerce.number().int().min(500).default(15_000),
});
export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export function getWorkerEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const parsed = workerEnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new Error(`Invalid worker configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  }
  return parsed.data;
}
