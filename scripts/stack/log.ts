/** One-line status output for the start and test commands. */
export function say(message: string): void {
  process.stdout.write(`[zxcv] ${message}\n`);
}

/** A failure the user can fix: printed as one line that says what is wrong and what to do, no stack trace. */
export class StackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackError";
  }
}
