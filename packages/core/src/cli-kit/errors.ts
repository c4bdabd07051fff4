/**
 * The one error type of the project. Every failure a user can cause or fix is an
 * AosError with a stable `code`, a message that says what and where, and a `hint`
 * that says how to fix it. `exit` is 2 for usage errors and 1 for everything else.
 */
export type ExitCode = 0 | 1 | 2;

export interface AosErrorOptions {
  hint?: string;
  exit?: 1 | 2;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class AosError extends Error {
  readonly hint: string | undefined;
  readonly exit: 1 | 2;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    readonly code: string,
    message: string,
    opts: AosErrorOptions = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'AosError';
    this.hint = opts.hint;
    this.exit = opts.exit ?? 1;
    this.details = opts.details;
  }
}

/** A usage error: bad flags or bad input values. Exit code 2. */
export function usageError(code: string, message: string, hint?: string, details?: Record<string, unknown>): AosError {
  return new AosError(code, message, { exit: 2, ...(hint === undefined ? {} : { hint }), ...(details ? { details } : {}) });
}

export function isAosError(e: unknown): e is AosError {
  return e instanceof AosError;
}

/** Human text for any thrown value, following the cause chain. */
export function describeError(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 8; depth++) {
    if (cur instanceof Error) {
      parts.push(cur.message);
      cur = (cur as { cause?: unknown }).cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return parts.filter((p, i) => p && parts.indexOf(p) === i).join(': ');
}

/**
 * describeError with the remedy: an AosError's hint follows its text. For the `reason` of a
 * record (verify's, promote's), which is read where no `hint:` line is printed: "cannot run git"
 * without "Install git" left the reader to guess.
 */
export function describeWithHint(e: unknown): string {
  const text = describeError(e);
  const hint = e instanceof AosError ? e.hint : undefined;
  return hint ? `${text.replace(/[.;:,\s]+$/, '')}. ${hint}` : text;
}
