import { existsSync, lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import { MAX_SETTINGS_FILE_BYTES, readBoundedFile } from '../adapters/bounded-read.js';
import { firstDuplicateKey, type DuplicateKey } from '../canonical/duplicate-keys.js';
import { AosError } from '../cli-kit/errors.js';
import { shellQuote } from '../cli-kit/shell-quote.js';
import type { HostPolicy } from '../schemas/host-policy.js';
import { checkHostPolicy } from './host-policy-check.js';
import { requireTrustedPolicy } from './policy-trust.js';

/**
 * The one reader of the host policy file, used by every tool that uses any part of it: the gates
 * (its mode, checks, protected paths) and the memory directory resolution of every CLI (its
 * memory_dir). A damaged or newer-versioned policy is never half-trusted: whichever part a tool
 * wants, the whole file must be readable, UTF-8, JSON and valid, or the tool refuses it with the
 * same error. It raises what the tools may do, so it is used only when no user but root and the
 * one running the tools could have written it, or removed it (adapters/path-trust.ts). It loads no zod (os-introspect resolves its memory directory on a start-up path
 * kept free of zod); host-policy-check.test.ts keeps its rules equal to the zod schema's.
 */
export const HOST_POLICY_FILE = 'mutation-runner.json';

const HINT = 'Every autopoietic tool refuses a host policy it cannot check whole. Fix the file (the NixOS module writes it from autopoietic.mutationRunner.*), or point AUTOPOIETIC_ETC_DIR (or --etc-dir, where the command has it) at another directory.';

/** The validated policy in `file`, or undefined when there is no such file. `extraHint` says what the caller could do instead. */
export function readHostPolicyFile(file: string, extraHint = ''): HostPolicy | undefined {
  const hint = extraHint === '' ? HINT : `${HINT} ${extraHint}`;
  const read = readBoundedFile(file, MAX_SETTINGS_FILE_BYTES);
  if (!read.ok && read.code === 'ENOENT') {
    // Only nothing at all is "no policy" (a workstation). A link to nothing (NixOS links
    // /etc/autopoietic/* into /nix/store; a collected or unmounted target) is a managed host
    // whose policy is gone: read as absent, it lifted every limit of the ladder.
    const link = danglingLink(file);
    if (link !== undefined) throw new AosError('host-policy-unreadable', `cannot read host policy ${file}: ${link} is a symbolic link to nothing`, { hint });
    requireTrusted(file, false, extraHint);
    return undefined;
  }
  if (!read.ok) throw new AosError('host-policy-unreadable', `cannot read host policy ${file}: ${read.reason}`, { hint });
  requireTrusted(file, true, extraHint);
  let text: string;
  try {
    // ignoreBOM keeps a byte-order mark in the text, to be named below (by default it was dropped unseen).
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(read.bytes);
  } catch (e) {
    throw new AosError('host-policy-invalid', `host policy ${file} is not valid UTF-8`, { hint, cause: e });
  }
  // Refused as every JSON input of the project refuses it (proposals, ledger lines, checkpoints):
  // JSON has no BOM (RFC 8259), and another reader of the file may not skip it.
  if (text.startsWith('\uFEFF')) {
    throw new AosError('host-policy-invalid', `host policy ${file} starts with a byte-order mark (U+FEFF), which JSON does not allow: an editor saved it as 'UTF-8 with BOM'`, {
      hint: `Remove the BOM with \`sed -i '1s/^\\xEF\\xBB\\xBF//' ${shellQuote(file)}\` (it deletes only those 3 bytes). ${hint}`,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AosError('host-policy-invalid', `host policy ${file} is not valid JSON: ${(e as Error).message}`, { hint, cause: e });
  }
  // JSON.parse keeps the last of two "mode" keys; a reviewer's tool may show the first.
  const duplicate = firstDuplicateKey(text);
  const problems = duplicate === undefined ? checkHostPolicy(raw) : [duplicateKeyProblem(duplicate), ...checkHostPolicy(raw)];
  if (problems.length > 0) {
    throw new AosError('host-policy-invalid', `host policy ${file} is invalid: ${problems.join('; ')}`, { hint, details: { file, problems } });
  }
  return raw as HostPolicy;
}

/** How a policy file (the host policy, a gate's --policy) names a key given twice. */
export function duplicateKeyProblem(duplicate: DuplicateKey): string {
  return `key ${JSON.stringify(duplicate.key)} is given twice in ${duplicate.path === '(top)' ? 'the top-level object' : duplicate.path}`;
}

/**
 * Refuses a policy that another user could have written, or removed when it is `present` false
 * (an absent policy allows everything). sudo refuses a world-writable sudoers the same way.
 */
function requireTrusted(file: string, present: boolean, extraHint: string): void {
  requireTrustedPolicy(file, {
    code: 'host-policy-untrusted',
    exit: 1,
    subject: present ? `host policy ${file} could have been written by another user` : `no host policy at ${file}, but another user could have removed it`,
    why: 'The mode in the host policy bounds what the tools may do',
    like: 'sudo with sudo.conf and ssh with ~/.ssh/config',
    extraHint,
  });
}

/** The file, or its directory, when it is a symbolic link whose target does not exist. */
function danglingLink(file: string): string | undefined {
  for (const path of [file, dirname(file)]) {
    try {
      if (lstatSync(path).isSymbolicLink() && !existsSync(path)) return path;
    } catch {
      // Nothing there: look at the directory above.
    }
  }
  return undefined;
}
