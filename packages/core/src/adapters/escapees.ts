import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Processes a command left running outside its process group. runCommand kills the group when
 * the command ends, but a process that called setsid() (a daemon, `setsid sleep 99 &`) has left
 * it, and outlives the check that started it: after verify returned `verified`, it could still
 * write into the candidate or hold the machine's resources.
 *
 * A command run with `reap: true` gets a random token in its environment, which every process it
 * starts inherits whatever session it moves to. When the command ends, the processes of this user
 * that carry the token are killed. A process that clears its environment escapes this (it is a
 * net for accidents, not a sandbox); so does one that runs as another user.
 */
export const RUN_TOKEN_VARIABLE = 'AUTOPOIETIC_RUN_TOKEN';

export function newRunToken(): string {
  return randomBytes(16).toString('hex');
}

/** Pids (other than this process) whose environment holds `RUN_TOKEN_VARIABLE=token`. */
export function processesWithToken(token: string, proc = '/proc'): number[] {
  const needle = Buffer.from(`${RUN_TOKEN_VARIABLE}=${token}\0`);
  let entries: string[];
  try {
    entries = readdirSync(proc);
  } catch {
    return []; // no procfs (not Linux): nothing to find
  }
  const found: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`${proc}/${name}/environ`);
    } catch {
      continue; // gone, or another user's
    }
    const at = environ.indexOf(needle);
    if (at === 0 || (at > 0 && environ[at - 1] === 0)) found.push(Number(name));
  }
  return found;
}

/**
 * Kills (SIGKILL) every process carrying the token, looking again until none is found (one may
 * fork while the others are killed); returns their pids.
 */
export function reapEscapees(token: string, proc = '/proc'): number[] {
  const killed: number[] = [];
  for (let round = 0; round < 5; round++) {
    const pids = processesWithToken(token, proc).filter((p) => !killed.includes(p));
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      } catch {
        /* already gone */
      }
    }
  }
  return killed;
}
