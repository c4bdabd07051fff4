/**
 * A builder's failure, as the top-level error Nix prints for it. Two spellings:
 *   - Nix up to 2.2x: `error: builder for '<drv>' failed with exit code 3;` (or `failed due to
 *     signal 9 (Killed);`), the last log lines indented under it;
 *   - current Nix (NixOS/nix derivation-building-goal.cc): `error: Cannot build '<drv>'.`, then
 *     `Reason: builder failed with exit code 3.` (or `due to signal 9 (Killed).`) on the next
 *     line, then the output paths and the last log lines. `nix flake check` (2.34) puts what it
 *     was building first, on the same line: `error: failed to build attribute 'checks.x.y',
 *     build of '<drv>^*' failed: Cannot build '<drv>'.`. `Reason: 1 dependency failed.` is not a
 *     builder failure (nothing of that derivation ran).
 * The lines are Nix's stderr with colours removed and each line trimmed.
 */
export interface BuilderFailure {
  drv: string;
  /** The builder's exit code, when it exited. */
  exitCode: number | null;
  /** The signal that ended it, when one did: number and name (`Killed`). */
  signal: { number: number; name: string } | null;
  /** Index of the first line after the ones that name the failure (its log lines follow). */
  next: number;
}

const HOW = /^failed(?: with exit code (\d+)| due to signal (\d+) \(([^)]*)\))?/;
const OLD = /^error: builder for '([^']*)' (failed.*)$/;
const CANNOT_BUILD = /^error: (?:.*: )?Cannot build '([^']*)'\.$/;
const REASON = /^Reason: builder (failed.*)$/;

/** The builder failure whose error starts at `lines[i]`, or undefined. */
export function builderFailureAt(lines: readonly string[], i: number): BuilderFailure | undefined {
  const old = OLD.exec(lines[i] ?? '');
  if (old) return failure(old[1]!, old[2]!, i + 1);
  const drv = CANNOT_BUILD.exec(lines[i] ?? '')?.[1];
  const reason = drv === undefined ? undefined : REASON.exec(lines[i + 1] ?? '');
  return reason ? failure(drv!, reason[1]!, i + 2) : undefined;
}

/** Every builder failure in the lines, in order. */
export function builderFailures(lines: readonly string[]): BuilderFailure[] {
  return lines.flatMap((_, i) => builderFailureAt(lines, i) ?? []);
}

function failure(drv: string, how: string, next: number): BuilderFailure {
  const m = HOW.exec(how)!;
  return {
    drv,
    exitCode: m[1] === undefined ? null : Number(m[1]),
    signal: m[2] === undefined ? null : { number: Number(m[2]), name: m[3]! },
    next,
  };
}
