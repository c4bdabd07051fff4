import { readdirSync, readFileSync } from 'node:fs';

/** Fields of /proc/<pid>/stat after the parenthesised command name: state, ppid, pgrp, ... */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone
  }
}

/** The parent of a process, or undefined once it is gone. */
export function parentOf(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : undefined;
}

/** The process group of a live process. */
export function pgidOf(pid: number): number {
  const fields = statFields(pid);
  if (!fields) throw new Error(`no process ${pid}`);
  return Number(fields[2]);
}

/**
 * The processes of group `pgid` that still run: a zombie is not counted (it is dead, and waits
 * only for a parent to reap it, which a reparented one may never get in a container).
 */
export function liveGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(name);
    if (f && Number(f[2]) === pgid && f[0] !== 'Z' && f[0] !== 'X') members.push(Number(name));
  }
  return members;
}

/** Polls `check` every 25 ms for up to `ms`; its last answer. */
export async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

/** SIGKILL to a whole process group, if any of it is left (a failed test leaves nothing running). */
export function killGroup(pgid: number | undefined): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* gone */
  }
}
