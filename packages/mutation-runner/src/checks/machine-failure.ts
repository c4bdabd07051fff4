import { stripAnsi } from '@autopoietic/core/adapters';
import { builderFailures } from './builder-failure.js';

/** Signals that end a builder from outside (SIGHUP, SIGINT, SIGKILL, SIGTERM); a crash is its own. */
const KILLING_SIGNALS = new Set([1, 2, 9, 15]);

/**
 * Tells a Nix build the machine could not finish apart from one the proposal made fail. Nix
 * exits 1 for both, so its own words decide:
 *   - a builder that "failed due to signal 9 (Killed)" (builder-failure.ts reads both of Nix's
 *     spellings): the out-of-memory killer, or a kill from outside (also SIGTERM, SIGINT,
 *     SIGHUP). A builder that crashed (SIGSEGV, SIGABRT) ran the proposal's code and stays a
 *     failure, and so does the whole build when any builder failed with an exit code: that one
 *     is an answer.
 *   - "note: build failure may have been caused by lack of free disk space" (Nix adds it when the
 *     store or the build directory has almost no room left), or Nix's own "error: … No space left
 *     on device": a full disk answers nothing about the patch.
 * The result is the reason of an `error` check, or undefined for an ordinary failure.
 */
export function nixMachineFailure(stderr: string): string | undefined {
  const lines = stripAnsi(stderr).split('\n').map((l) => l.trim());
  if (lines.some((l) => l.startsWith('note: build failure may have been caused by lack of free disk space')) || lines.some((l) => /^error:.*No space left on device/.test(l))) {
    // Nix up to 2.2x builds under TMPDIR; newer Nix under its build-dir setting (docs/nix.md).
    return 'the build ran out of disk space (Nix: no space left on device in the Nix store or the build directory, TMPDIR or Nix\'s build-dir): no verdict; free some space (nix-collect-garbage, or a TMPDIR or build-dir with room) and run it again';
  }
  const failures = builderFailures(lines);
  if (failures.some((f) => f.exitCode !== null)) return undefined;
  const killed = failures.find((f) => f.signal !== null && KILLING_SIGNALS.has(f.signal.number));
  if (!killed) return undefined;
  return `a builder was killed by signal ${killed.signal!.number} (${killed.signal!.name}) before it finished (${killed.drv}): the out-of-memory killer or a kill from outside, no verdict; see the log, then run it again`;
}
