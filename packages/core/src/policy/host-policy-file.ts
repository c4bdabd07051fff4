import { MAX_SETTINGS_FILE_BYTES, readBoundedFile } from '../adapters/bounded-read.js';
import { AosError } from '../cli-kit/errors.js';
import type { HostPolicy } from '../schemas/host-policy.js';
import { checkHostPolicy } from './host-policy-check.js';

/**
 * The one reader of the host policy file, used by every tool that uses any part of it: the gates
 * (its mode, checks, protected paths) and the memory directory resolution of every CLI (its
 * memory_dir). A damaged or newer-versioned policy is never half-trusted: whichever part a tool
 * wants, the whole file must be readable, UTF-8, JSON and valid, or the tool refuses it with the
 * same error. It loads no zod (os-introspect resolves its memory directory on a start-up path
 * kept free of zod); host-policy-check.test.ts keeps its rules equal to the zod schema's.
 */
export const HOST_POLICY_FILE = 'mutation-runner.json';

const HINT = 'Every autopoietic tool refuses a host policy it cannot check whole. Fix the file (the NixOS module writes it from autopoietic.mutationRunner.*), or point AUTOPOIETIC_ETC_DIR (or --etc-dir, where the command has it) at another directory.';

/** The validated policy in `file`, or undefined when there is no such file. `extraHint` says what the caller could do instead. */
export function readHostPolicyFile(file: string, extraHint = ''): HostPolicy | undefined {
  const hint = extraHint === '' ? HINT : `${HINT} ${extraHint}`;
  const read = readBoundedFile(file, MAX_SETTINGS_FILE_BYTES);
  if (!read.ok && read.code === 'ENOENT') return undefined;
  if (!read.ok) throw new AosError('host-policy-unreadable', `cannot read host policy ${file}: ${read.reason}`, { hint });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(read.bytes);
  } catch (e) {
    throw new AosError('host-policy-invalid', `host policy ${file} is not valid UTF-8`, { hint, cause: e });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AosError('host-policy-invalid', `host policy ${file} is not valid JSON: ${(e as Error).message}`, { hint, cause: e });
  }
  const problems = checkHostPolicy(raw);
  if (problems.length > 0) {
    throw new AosError('host-policy-invalid', `host policy ${file} is invalid: ${problems.join('; ')}`, { hint, details: { file, problems } });
  }
  return raw as HostPolicy;
}
