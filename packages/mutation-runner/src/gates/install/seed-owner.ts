/**
 * The owner rule of install-verify (and of install-apply's "already installed" probe), beside
 * the permission bits of seed-mode.ts, which bound the group and others (ADR 0025).
 *
 * A seed file must be owned by root or by the target root's owner, who can replace anything under
 * that root anyway. It is the rule the tools apply when they read the host policy (ADR 0020:
 * owned by root, the reader, or the owner of `/`), with the target root standing for `/` and
 * root for the reader of the installed system. A seed with the planned bytes and mode that another
 * user owns can be rewritten by that user, and the installed tools would refuse the policy it
 * holds (host-policy-untrusted): it is not installed.
 */

/** Who may own a seed file under a target root owned by `rootUid`: root, and that owner. */
export function allowedOwners(rootUid: number): number[] {
  return rootUid === 0 ? [0] : [0, rootUid];
}

/** Why a seed file owned by `uid` is not trusted (with the fix for `path`), or undefined when it is. */
export function ownerProblem(uid: number, allowed: readonly number[], path: string): string | undefined {
  if (allowed.includes(uid)) return undefined;
  const who = allowed.length > 1 ? `root or the target root's owner (uid ${allowed[1]})` : 'root, which owns the target root';
  return `it is owned by uid ${uid}, not by ${who}: that user can rewrite it (give it to root: chown root '${path.replaceAll("'", "'\\''")}')`;
}
