import { join } from 'node:path';
import { AosError } from '../cli-kit/errors.js';
import { getLogger } from '../cli-kit/logger.js';
import { resolveEtcDir, type PathOptions } from '../ledger/paths.js';
import type { AutonomyMode } from '../schemas/common.js';
import type { HostPolicy } from '../schemas/host-policy.js';
import { AUTONOMY_MODES } from '../vocab/policy.js';
import { HOST_POLICY_FILE, readHostPolicyFile } from './host-policy-file.js';

/**
 * The operator's host policy, `<etc dir>/mutation-runner.json` (normally written by the NixOS
 * module from `autopoietic.mutationRunner.*`). It is trusted: it is not part of the genome, so
 * no proposal can change it. A missing file means "developer workstation": nothing is enforced.
 * It is read and checked by host-policy-file.ts, the same way for every tool.
 */
export { HOST_POLICY_FILE };

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
  const policy = readHostPolicyFile(file);
  return policy === undefined ? { file, present: false } : { file, present: true, policy };
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
