import { readFileSync } from 'node:fs';

/**
 * Whether a group holds nobody but `owner`: Debian's OpenSSH rule for a group-writable
 * ~/.ssh/config or authorized_keys ("Allow harmless group-writability", Colin Watson, 2014).
 * Debian and Ubuntu give each user a group of their own and a umask of 002, so what users create
 * is group-writable, and refusing that would refuse every policy file and directory a user makes.
 * Group write is harmless when the group is the owner's alone: every account whose primary group
 * it is is the owner, it lists at most one member and that is the owner, and somebody is in it (a
 * group with no member is typically a setgid program's, whose users are not known). Pure: it reads
 * /etc/passwd and /etc/group as given.
 */
export function groupHoldsOnlyOwner(passwd: string, group: string, owner: number, gid: number): boolean {
  const accounts = records(passwd)
    .filter((f) => f.length >= 4)
    .map((f) => ({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) }));
  const entry = records(group).find((f) => f.length >= 3 && Number(f[2]) === gid);
  const ownerName = accounts.find((a) => a.uid === owner)?.name;
  if (entry === undefined || ownerName === undefined) return false;
  let members = 0;
  for (const a of accounts) {
    if (a.gid !== gid) continue;
    if (a.uid !== owner) return false;
    members++;
  }
  const listed = (entry[3] ?? '').split(',').filter((m) => m !== '');
  if (listed.length > 1 || (listed.length === 1 && listed[0] !== ownerName)) return false;
  return members + listed.length > 0;
}

/** The local account databases, read when a group-writable object is met; a group they do not name (NSS, LDAP) is not known to be the owner's alone. */
export function ownerOnlyGroup(owner: number, gid: number): boolean {
  try {
    return groupHoldsOnlyOwner(readFileSync('/etc/passwd', 'utf8'), readFileSync('/etc/group', 'utf8'), owner, gid);
  } catch {
    return false;
  }
}

/** The colon-separated fields of each line that is not blank or a comment. */
function records(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}
