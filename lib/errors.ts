/** The one error type the domain throws. Turned into an HTTP status or a form message only at the edge. */
export type AppErrorCode =
  "BAD_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "TOO_LARGE" | "UNPROCESSABLE" | "RATE_LIMITED" | "UNAVAILABLE" | "STORAGE_FULL";

const STATUS: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  STORAGE_FULL: 507,
};

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** Per-field messages for forms, or per-line messages for profile text. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** How long clients are told to wait (Retry-After) while the database or Redis is unreachable. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

// Prisma's "cannot reach / timed out / connection closed / pool timeout", the pg driver adapter's kinds, and
// PostgreSQL's own "shutting down / starting up / connection failure" SQLSTATEs.
const DATABASE_DOWN_CODES = new Set(["P1001", "P1002", "P1017", "P2024", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08006"]);
const DATABASE_DOWN_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH"]);

/** Whether an error says PostgreSQL cannot be reached (down, restarting, refusing connections), as opposed to a bug. */
export function isDatabaseUnreachable(error: unknown): boolean {
  const e = error as {
    name?: string;
    code?: string;
    meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string; code?: string } } };
    cause?: unknown;
  };
  if (!e || typeof e !== "object") return false;
  if (typeof e.code === "string" && DATABASE_DOWN_CODES.has(e.code)) return true;
  const cause =
    e.meta?.driverAdapterError?.cause ?? (e.name === "DriverAdapterError" ? (e.cause as { kind?: string; originalCode?: string; code?: string }) : undefined);
  if (cause && (DATABASE_DOWN_KINDS.has(cause.kind ?? "") || DATABASE_DOWN_CODES.has(cause.originalCode ?? cause.code ?? ""))) return true;
  if (e.name === "PrismaClientInitializationError") return true;
  return false;
}

/** Whether an error is ioredis saying Redis cannot be reached. */
export function isRedisUnreachable(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string };
  if (!e || typeof e !== "object") return false;
  return e.name === "MaxRetriesPerRequestError" || e.message === "Connection is closed." || (SOCKET_CODES.has(e.code ?? "") && /redis/i.test(e.message ?? ""));
}

/**
 * The AppError to show for an outage of the database or Redis (503 with Retry-After, a sentence that says which
 * one), or null when `error` is something else. The edge calls this for errors that are not AppErrors.
 */
export function outageErrorOf(error: unknown): AppError | null {
  if (isDatabaseUnreachable(error)) {
    return new AppError("UNAVAILABLE", "The dashboard's database (PostgreSQL) is unreachable right now; nothing was changed. Try again in a few seconds", {
      retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS,
    });
  }
  if (isRedisUnreachable(error)) {
    return new AppError("UNAVAILABLE", "The dashboard's build queue (Redis) is unreachable right now. Try again in a few seconds", {
      retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS,
    });
  }
  return null;
}
