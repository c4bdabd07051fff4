import { MAX_SETTINGS_FILE_BYTES, readBoundedFile } from '../adapters/bounded-read.js';
import { join } from 'node:path';
import type { z } from 'zod';
import { AosError } from '../cli-kit/errors.js';
import { getLogger } from '../cli-kit/logger.js';
import { resolveEtcDir, type PathOptions } from '../ledger/paths.js';
import { AUTONOMY_MODES, type AutonomyMode } from '../schemas/common.js';
import { HostPolicy } from '../schemas/host-policy.js';

/**
 * The operator's host policy, `<etc dir>/mutation-runner.json` (normally written by the NixOS
 * module from `autopoietic.mutationRunner.*`). It is trusted: it is not part of the genome, so
 * no proposal can change it. A missing file means "developer workstation": nothing is enforced.
 */
export const HOST_POLICY_FILE = 'mutation-runner.json';

export interface LoadedHostPolicy {
  /** Absolute path that was looked at. */
  file: string;
  /** Whether the file exists. */
  present: boolean;
  policy?: HostPolicy;
}

export function hostPolicyPath(opts: PathOptions = {}): string {
  return join(resolveEtcDir(opts), HOST_POLICY_FILE);
}

/** Reads and validates the host policy. A malformed or invalid file is an error (exit 1), never "no policy". */
export function loadHostPolicy(opts: PathOptions = {}): LoadedHostPolicy {
  const file = hostPolicyPath(opts);
  const read = readBoundedFile(file, MAX_SETTINGS_FILE_BYTES);
  if (!read.ok && read.code === 'ENOENT') return { file, present: false };
  if (!read.ok) {
    throw new AosError('host-policy-unreadable', `cannot read host policy ${file}: ${read.reason}`, {
      hint: 'Make it a readable JSON file (the NixOS module writes it), or point --etc-dir / AUTOPOIETIC_ETC_DIR at another directory.',
    });
  }
  return { file, present: true, policy: parseHostPolicy(read.bytes.toString('utf8'), file) };
}

/** Parses the text of a host policy file; `file` is only used in messages. */
export function parseHostPolicy(text: string, file: string): HostPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AosError('host-policy-invalid', `host policy ${file} is not valid JSON: ${(e as Error).message}`, {
      hint: 'Fix the file (it is generated from autopoietic.mutationRunner.* by the NixOS module), or point --etc-dir elsewhere.',
      cause: e,
    });
  }
  const parsed = HostPolicy.safeParse(raw);
  if (!parsed.success) {
    throw new AosError('host-policy-invalid', `host policy ${file} is invalid: ${describeIssues(parsed.error, raw)}`, {
      hint: `Allowed modes, lowest first: ${AUTONOMY_MODES.join(', ')}. Fix the file or point --etc-dir elsewhere.`,
      details: { file, issues: parsed.error.issues },
    });
  }
  return parsed.data;
}

function describeIssues(error: z.ZodError, raw: unknown): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      if (issue.path.length === 1 && issue.path[0] === 'mode') {
        const value = (raw as { mode?: unknown }).mode;
        const shown = value === undefined ? 'is missing' : `${JSON.stringify(value)} is not a known mode`;
        return `mode ${shown} (allowed: ${AUTONOMY_MODES.join(', ')})`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** True when `mode` is `minimum` or higher on the ladder observe-only < mutate-draft < mutate-vm < mutate-live < autopoiesis. */
export function modeAtLeast(mode: AutonomyMode, minimum: AutonomyMode): boolean {
  return AUTONOMY_MODES.indexOf(mode) >= AUTONOMY_MODES.indexOf(minimum);
}

/**
 * Enforces the autonomy ladder before `action` does anything (it journals nothing when refused).
 * With no policy file the action is allowed and a warning says so.
 */
export function requireMode(loaded: LoadedHostPolicy, minimum: AutonomyMode, action: string): void {
  if (!loaded.present || loaded.policy === undefined) {
    getLogger().warn(
      { policy: loaded.file, action, required_mode: minimum },
      `no host policy at ${loaded.file}: allowing ${action} (a developer workstation; a managed host would need mode ${minimum} or higher)`,
    );
    return;
  }
  const mode = loaded.policy.mode;
  if (modeAtLeast(mode, minimum)) return;
  throw new AosError('mode-forbidden', `${action} needs autonomy mode ${minimum} or higher, but host policy ${loaded.file} sets mode ${mode}`, {
    hint: `Nothing was run or journaled. To allow it, set autopoietic.mutationRunner.mode to "${minimum}" (or higher) and rebuild, or run it on a host that allows it.`,
    details: { file: loaded.file, mode, required_mode: minimum, action },
  });
}
