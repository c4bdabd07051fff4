import { pathTrustProblem } from '../adapters/path-trust.js';
import { AosError } from '../cli-kit/errors.js';

/**
 * The refusal of a policy file that another user could change (adapters/path-trust.ts holds the
 * rule), for both files that raise what the tools do: the host policy (its mode) and the file a
 * gate is given with --policy (its operator_checks run exactly as written, as whoever runs the
 * gate). A file named on the command line is no exception: git refuses a repository another
 * user owns however it is named, since its configuration can run commands. (ssh checks
 * `~/.ssh/config` but not a file given with -F: OpenSSH 9.2 reads one that is 0666 or another
 * user's.)
 */
export interface PolicyTrust {
  /** The error code: `host-policy-untrusted`, `policy-untrusted`. */
  code: string;
  /** 1 for the host policy (like its other errors), 2 for a file named on the command line. */
  exit: 1 | 2;
  /** The message up to the problem: `host policy /etc/… could have been written by another user`. */
  subject: string;
  /** Why it must be trusted, as the start of a sentence: `The mode in the host policy bounds what the tools may do`. */
  why: string;
  /** Who else checks their files this way, after "like": `sudo with sudo.conf and ssh with ~/.ssh/config`. */
  like: string;
  /** Said after the rule: what the caller could do instead (or ''). */
  extraHint?: string;
}

/**
 * Throws when someone other than root or the reader could change `file` (write it, or remove it:
 * the file need not exist, the directories that say so are checked). The message is `subject`,
 * then the object and what is wrong with it; the hint the fix, then why.
 */
export function requireTrustedPolicy(file: string, t: PolicyTrust): void {
  const problem = pathTrustProblem(file);
  if (problem === undefined) return;
  const message = `${t.subject}: ${problem.what}`;
  const extra = t.extraHint === undefined || t.extraHint === '' ? '' : ` ${t.extraHint}`;
  throw new AosError(t.code, message, {
    exit: t.exit,
    hint: `${problem.fix}. ${t.why}, so like ${t.like} they use it only when no user but root and the one running them can change it: the file, every directory on its path and every symbolic link to it.${extra}`,
    details: { file, path: problem.path },
  });
}
