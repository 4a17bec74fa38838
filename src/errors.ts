/**
 * An error a person caused and can fix: the CLI prints its message as one line (no stack trace unless
 * --verbose) and exits non-zero. The message says what is wrong and what to do.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** A business outcome the caller must handle: a value, not an exception. */
export type Result<T, E = Failure> = { ok: true; value: T } | { ok: false; error: E };

/** Why something could not be done, in words a person understands; `status` maps onto HTTP. */
export interface Failure {
  status: 400 | 401 | 403 | 404 | 409 | 422 | 429;
  message: string;
}

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = (status: Failure["status"], message: string): Result<never> => ({
  ok: false,
  error: { status, message },
});
