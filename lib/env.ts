import { z } from "zod";

/** The only place app code reads process.env. Validated once, on first use. */
const envSchema = z.object({
  DATABASE_URL: z.url({ message: "DATABASE_URL must be a postgresql:// URL" }),
  REDIS_URL: z.url({ message: "REDIS_URL must be a redis:// URL" }),
  /** Where ISOs and logs are stored by the directory storage backend. */
  ARTIFACT_DIR: z.string().min(1).default(".state/artifacts"),
  /** The redis:// address build hosts reach Redis at, when it differs from REDIS_URL's (credentials are the host's own). */
  HOSTS_REDIS_URL: z.url({ message: "HOSTS_REDIS_URL must be a redis:// URL" }).optional(),
  /** The app's public URL; build hosts and the CLI reach it there. */
  APP_URL: z.url().default("http://127.0.0.1:3000"),
  /** How many ISOs to keep per profile; older ones are deleted with their rows. */
  RETAIN_ISOS_PER_PROFILE: z.coerce.number().int().min(1).default(5),
  /** How many builds one person may have queued or running at once. */
  MAX_CONCURRENT_BUILDS_PER_USER: z.coerce.number().int().min(1).default(4),
  /** How many live-log connections (tabs, scripts) one person may hold open at once; each holds a connection to the app. */
  LIVE_STREAMS_PER_PERSON: z.coerce.number().int().min(1).default(20),
  /** Accounts one client address may create per hour (sign-up is rate-limited; an invitation counts too). */
  SIGN_UPS_PER_HOUR_PER_ADDRESS: z.coerce.number().int().min(1).default(10),
  /** A build host silent for this long is shown offline; its builds may then be claimed by another host or retried. */
  HOST_OFFLINE_AFTER_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** The largest artifact (ISO or log) a build host may upload, in bytes (default 8 GiB). */
  MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(8 * 1024 ** 3),
  /** When true anyone may create an account; when false, after the first (admin) account, sign-up needs an admin's invitation link. */
  ZXCV_OPEN_SIGNUP: z.stringbool().default(true),
  /**
   * How many reverse proxies of your own sit in front of the app (0: none, the app is reached directly). Only then
   * is X-Forwarded-For believed, and only the entry the outermost of them added: any client can send that header.
   */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** How long a test-drive runs before QEMU is stopped, in seconds (10 minutes; a person may extend it once by as much). */
  TESTDRIVE_LIMIT_SECONDS: z.coerce.number().int().min(10).max(3600).default(600),
  /** Test-drives one build host runs at once at most; each also takes one of its build slots (capacity). */
  TESTDRIVE_SESSIONS_PER_HOST: z.coerce.number().int().min(0).max(64).default(2),
  /** Cookies are marked Secure when the app is served over https. */
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration (see .env.example):\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}
