import { join } from 'node:path';
import type { HostEntry, SelfState } from '@autopoietic/core/schemas';
import type { z } from 'zod';
import { MAX_SETTINGS_FILE_BYTES, readBoundedFile } from '@autopoietic/core/adapters';
import { checkHostIdentity } from '@autopoietic/core/policy';
import { KERNEL_HOSTNAME } from './body/platform.js';

type Identity = SelfState['identity'];
type Host = z.infer<typeof HostEntry>;

/** What `<etc dir>/identity.json` gave: the identity, or why not; `problem` when it is there but cannot be used. */
export interface IdentityFileRead {
  path: string;
  identity?: Identity;
  note: string;
  /** Set when the file exists and is passed over (unreadable, not JSON, not an identity file). */
  problem?: string;
}

/**
 * Who this host is, from the identity file already read (readIdentityFile), first match wins:
 *   1. `<etc dir>/identity.json` (written by the identity NixOS module);
 *   2. `autopoietic.identity.host`/`roles` set in the genome's host configurations: the one that
 *      names this machine's hostname, or the only one that sets an identity;
 *   3. the hostname, with no roles;
 *   4. none (`host: ''`, source `none`) when the machine has no hostname either: detail says how to give it one.
 * Nothing is hard-coded; `detail` says where the answer came from and why earlier sources were passed over.
 */
export function identityFrom(fromFile: IdentityFileRead, hosts: Host[], hostname: string | undefined): Identity {
  if (fromFile.identity) return fromFile.identity;
  const notes = [fromFile.note];
  const declaring = hosts.filter((h) => h.identity.host !== null);
  const pick = declaring.find((h) => h.identity.host === hostname || h.name === hostname) ?? (declaring.length === 1 ? declaring[0] : undefined);
  if (pick) {
    const where = [pick.identity.host_at, pick.identity.roles_at].filter(Boolean).join(', ');
    return { host: pick.identity.host!, roles: pick.identity.roles ?? [], source: 'genome', detail: `${notes.join('; ')}; host configuration "${pick.name}" (${where})` };
  }
  if (declaring.length > 1) notes.push(`${declaring.length} host configurations declare an identity (${declaring.map((h) => h.name).join(', ')}) and none matches ${hostname === undefined ? 'this machine, which has no hostname' : `hostname "${hostname}"`}`);
  else notes.push('no host configuration of the genome sets autopoietic.identity.host');
  if (hostname === undefined) {
    const fix = `set the machine's hostname (networking.hostName, or hostnamectl set-hostname), set autopoietic.identity.host in one host configuration, or write ${fromFile.path}`;
    return { host: '', roles: [], source: 'none', detail: `${notes.join('; ')}; this machine has no hostname (${KERNEL_HOSTNAME} and os.hostname() are empty or "(none)"): no identity. To give it one, ${fix}` };
  }
  return { host: hostname, roles: [], source: 'hostname', detail: `${notes.join('; ')}; using the hostname` };
}

/** Reads `<etc dir>/identity.json`. */
export function readIdentityFile(etcDir: string): IdentityFileRead {
  const path = join(etcDir, 'identity.json');
  // `problem` as observation.json's `error` words it; `note` as a clause of `detail`.
  const passedOver = (problem: string): IdentityFileRead => ({ path, note: `${path} ${problem.startsWith('cannot') ? '' : 'is '}${problem}`, problem });
  const read = readBoundedFile(path, MAX_SETTINGS_FILE_BYTES);
  if (!read.ok) return read.code === 'ENOENT' ? { path, note: `${path} does not exist` } : passedOver(`cannot be read (${read.reason})`);
  let json: unknown;
  try {
    json = JSON.parse(read.bytes.toString('utf8'));
  } catch (e) {
    return passedOver(`not valid JSON: ${(e as Error).message}`);
  }
  // Used whole or not at all, as the host policy is: `"roles": "web"` read as no roles, or a
  // field from a newer version skipped, would report an identity the file does not state.
  const problems = checkHostIdentity(json);
  if (problems.length) return passedOver(`not a valid identity file (${problems.join('; ')})`);
  const o = json as { host: string; roles: string[] };
  return { path, identity: { host: o.host, roles: o.roles, source: 'identity-file', detail: path }, note: '' };
}
