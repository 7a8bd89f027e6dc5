import type { SelectionProblem } from "../../contracts/selection";

/** The engine's one error type; the worker maps `code` to a build failure, the CLI to a one-line message. */
export type EngineErrorCode = "invalid-selection" | "unsupported-channel" | "stale-pin" | "build-failed" | "boot-test-failed" | "cancelled";

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    /** For invalid selections: the role or package each problem is about, so a profile file can point at its line. */
    readonly subjects: SelectionProblem["subject"][] = [],
  ) {
    super(message);
    this.name = "EngineError";
  }

  /** Retrying cannot fix these; BullMQ should not retry them. */
  get isPermanent(): boolean {
    return this.code === "invalid-selection" || this.code === "unsupported-channel" || this.code === "stale-pin";
  }
}
