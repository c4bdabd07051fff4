import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isLeftover, olderThanAnyWrite } from '@autopoietic/core/adapters';
import { getLogger } from '@autopoietic/core/cli-kit';

/**
 * The staging directory a proposal is written into before it is renamed into place:
 * `.<mutation id>.staging-<writer pid>-<12 hex>`. A writer killed mid-write (SIGKILL, or SIGTERM,
 * which Node answers by exiting at once) leaves it behind; the pid in the name lets the next
 * writer into the same directory tell a leftover from a live writer's.
 *
 * The name parses from the right, whatever the mutation id holds: it ends in `.staging-`,
 * decimal digits, `-` and exactly 12 hex digits. It and the older naming (`.staging-<12 hex>`,
 * no pid) never match each other's pattern: there `.staging-` directly precedes the hex digits,
 * here the pid and a `-` do.
 */

/** A pid is a 32-bit number: at most 10 decimal digits (Linux's are at most 7, PID_MAX_LIMIT 2^22). */
const PID_DIGITS = 10;
const HEX_DIGITS = 12;

/** The longest mutation id whose staging name still fits in one file name (255 bytes). */
export const MAX_ID_LENGTH = 255 - '..staging--'.length - PID_DIGITS - HEX_DIGITS;

const STAGING = /^\..+\.staging-([1-9]\d{0,9})-[0-9a-f]{12}$/;
/** The older naming, without the writer's pid. */
const LEGACY_STAGING = /^\..+\.staging-[0-9a-f]{12}$/;

export function stagingName(mutationId: string, pid = process.pid): string {
  return `.${mutationId}.staging-${pid}-${randomBytes(HEX_DIGITS / 2).toString('hex')}`;
}

/** The writer pid a staging name holds, `legacy` for the older naming, or undefined for any other name. */
export function stagingOwner(name: string): number | 'legacy' | undefined {
  const m = STAGING.exec(name);
  if (m) return Number(m[1]);
  return LEGACY_STAGING.test(name) ? 'legacy' : undefined;
}

/**
 * Whether the staging directory `name` (modified at `mtimeMs`) is left over: its writer is gone,
 * or it is older than any write. A live writer's (another propose or evolve at once, even
 * another user's) is kept, and so is this process's own. The older naming holds no pid, so an
 * old-named directory goes only by age: a writer started by an older mutation-runner may still be
 * running, and an hour is longer than any proposal write.
 */
export function isLeftoverStaging(name: string, mtimeMs: number, now = Date.now()): boolean {
  const owner = stagingOwner(name);
  if (owner === undefined || owner === process.pid) return false;
  return owner === 'legacy' ? olderThanAnyWrite(mtimeMs, now) : isLeftover(owner, mtimeMs, now);
}

/** Removes the staging directories left over in `outDir`; best effort and quiet about what it cannot read or remove. */
export function removeLeftoverStaging(outDir: string, now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(outDir);
  } catch {
    return; // the write that follows names the problem with the directory
  }
  for (const name of names) {
    if (stagingOwner(name) === undefined) continue;
    const path = join(outDir, name);
    try {
      const st = lstatSync(path);
      if (!st.isDirectory() || !isLeftoverStaging(name, st.mtimeMs, now)) continue;
      rmSync(path, { recursive: true, force: true });
      getLogger().info({ path }, 'removed a proposal staging directory left by an interrupted writer');
    } catch {
      // Gone already (its writer renamed it into place), or not ours to remove: a later run tries again.
    }
  }
}
