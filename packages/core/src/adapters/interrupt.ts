import { reapEscapees } from './escapees.js';

/**
 * What happens when this process is interrupted (SIGINT, SIGTERM, SIGHUP), for runCommand
 * (exec.ts): the running children are stopped, the registered synchronous clean-ups run (callers
 * remove temporary directories), and the process dies of the same signal. Children lead their
 * own process groups, so a terminal's Ctrl-C never reaches them: this is what stops them.
 *
 * Children first get SIGTERM and up to INTERRUPT_GRACE_MS to end: Nix then stops its builders
 * and removes its build directories. Killed at once (SIGKILL), it could do neither: the builder,
 * which Nix starts in a session of its own (often as a build user), ran on after verify had
 * died, and `nix-build-*` stayed in TMPDIR. Whatever still runs after the grace is killed.
 * Meanwhile nothing the interrupted children report is believed: their runCommand never settles
 * (an interrupted Nix exits 1 like a failed build, which would have rejected the proposal), and
 * no new command starts.
 *
 * The handlers stay installed until the clean-ups are done, and a repeated signal is ignored
 * meanwhile: GNU timeout, for one, signals the child and then its whole group, and with the
 * handlers gone (`process.once`) the second signal killed the process in the middle of removing
 * its candidate, which was left behind.
 */
export const INTERRUPT_GRACE_MS = 3000;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const cleanups = new Set<() => void>();
/** Process group ids of the running children. */
const live = new Set<number>();
/** Run tokens of the running children with `reap` (escapees.ts). */
const liveTokens = new Set<string>();
let hooked = false;
let interrupted: NodeJS.Signals | undefined;
let dying = false;

/** Registers a synchronous clean-up; returns a function that unregisters it. */
export function onInterrupt(fn: () => void): () => void {
  cleanups.add(fn);
  ensureInterruptHandlers();
  return () => cleanups.delete(fn);
}

export function ensureInterruptHandlers(): void {
  if (hooked) return;
  hooked = true;
  for (const sig of SIGNALS) process.on(sig, onSignal);
}

/** True once a signal has come: results of commands are no longer to be trusted or started. */
export function isInterrupted(): boolean {
  return interrupted !== undefined;
}

export function trackChild(pid: number | undefined, token: string | undefined): void {
  if (pid !== undefined) live.add(pid);
  if (token) liveTokens.add(token);
}

/** A child has exited (its group was killed and its escapees reaped by the caller). */
export function childExited(pid: number | undefined, token: string | undefined): void {
  if (pid !== undefined) live.delete(pid);
  if (token) liveTokens.delete(token);
  if (interrupted && live.size === 0) die();
}

export function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    /* the group is already gone */
  }
}

function onSignal(sig: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = sig;
  if (live.size === 0) {
    die();
    return;
  }
  for (const pid of live) killGroup(pid, 'SIGTERM');
  setTimeout(die, INTERRUPT_GRACE_MS);
}

function die(): void {
  if (dying) return;
  dying = true;
  for (const pid of live) killGroup(pid, 'SIGKILL');
  for (const token of liveTokens) reapEscapees(token);
  for (const f of [...cleanups].reverse()) {
    try {
      f();
    } catch {
      /* keep cleaning up */
    }
  }
  // Die of the signal, as if it had not been handled: without a listener Node leaves it to the system.
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, interrupted!);
}
