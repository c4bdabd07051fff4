import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { processExists } from './leftovers.js';

/**
 * Who made something that outlives a crash (a ledger lock, a scratch directory), told apart from
 * a later process that got the same pid: the pid, the host (a shared file system is seen by
 * several), and the process start time. The one rule for "is its owner gone" (ownerIsGone).
 */
export interface ProcessOwner {
  pid: number;
  host: string;
  /** Start time in clock ticks since boot (/proc/<pid>/stat), or null where /proc is absent. */
  start: string | null;
}

export function currentOwner(): ProcessOwner {
  return { pid: process.pid, host: hostname(), start: processStart(process.pid) };
}

/**
 * Whether the owner is provably gone: on this host, and no process has its pid, or the one that
 * has it started at another time (the pid was reused). Another host's owner is never gone (its
 * processes cannot be seen from here); without start times only the pid is compared.
 */
export function ownerIsGone(owner: ProcessOwner): boolean {
  if (owner.host !== hostname()) return false;
  if (!processExists(owner.pid)) return true;
  const start = processStart(owner.pid);
  return owner.start !== null && start !== null && start !== owner.start;
}

/** Start time of a process in clock ticks since boot (Linux), or null where /proc is absent. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces and parentheses); starttime is field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}
