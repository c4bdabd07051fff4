import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { HostEntry } from '@autopoietic/core/schemas';
import { tempDir, writeTree } from '../../../../tests/support/tmp.js';
import { identityFrom, readIdentityFile } from './identity.js';

type Host = z.infer<typeof HostEntry>;

/** The identity as a run resolves it: the file under `etcDir`, then the genome, then the hostname. */
function resolveIdentity(etcDir: string, hosts: Host[], hostname: string | undefined) {
  return identityFrom(readIdentityFile(etcDir), hosts, hostname);
}

function host(name: string, id: string | null, roles: string[] | null = null): Host {
  return {
    name,
    source: 'flake',
    file: 'flake.nix',
    line: 1,
    system: null,
    modules: [],
    external_modules: [],
    modules_static: true,
    closure: [],
    identity: { host: id, roles, ...(id ? { host_at: `hosts/${name}.nix:3` } : {}), ...(roles ? { roles_at: `hosts/${name}.nix:4` } : {}) },
  };
}

describe('identity', () => {
  it('comes from <etc dir>/identity.json first', () => {
    const etc = tempDir();
    writeTree(etc, { 'identity.json': JSON.stringify({ host: 'from-file', roles: ['a', 'b'] }) });
    expect(resolveIdentity(etc, [host('x', 'genome-x')], 'kernel-name')).toEqual({ host: 'from-file', roles: ['a', 'b'], source: 'identity-file', detail: `${etc}/identity.json` });
  });

  it.each([
    [{ host: 'from-file', roles: ['a', 3, 'b'] }, 'roles must be a list of strings'],
    [{ host: 'from-file', roles: 'web' }, 'roles must be a list of strings'],
    [{ host: 'from-file', roles: [], site: 'eu' }, 'unknown field site'],
  ])('uses an identity.json whole or not at all: %j is passed over, saying why', (doc, why) => {
    // Read in part, it reported roles (or no roles) the file does not state.
    const etc = tempDir();
    writeTree(etc, { 'identity.json': JSON.stringify(doc) });
    const id = resolveIdentity(etc, [host('x', 'genome-x', ['dev'])], 'kernel-name');
    expect(id).toMatchObject({ host: 'genome-x', roles: ['dev'], source: 'genome' });
    expect(id.detail).toContain(`${etc}/identity.json is not a valid identity file (`);
    expect(id.detail).toContain(why);
  });

  it('falls back to the host configuration that matches the hostname', () => {
    const id = resolveIdentity('/nonexistent', [host('alpha', 'alpha-01', ['dev']), host('beta', 'beta-01')], 'beta');
    expect(id).toMatchObject({ host: 'beta-01', roles: [], source: 'genome' });
    expect(id.detail).toContain('host configuration "beta" (hosts/beta.nix:3)');
  });

  it('also matches the hostname against the identity a configuration declares, not only its name', () => {
    const id = resolveIdentity('/nonexistent', [host('prod', 'aion', ['web']), host('staging', 'aion-staging')], 'aion');
    expect(id).toMatchObject({ host: 'aion', roles: ['web'], source: 'genome' });
    expect(id.detail).toContain('host configuration "prod" (hosts/prod.nix:3, hosts/prod.nix:4)');
  });

  it('takes the only host configuration that sets an identity', () => {
    expect(resolveIdentity('/nonexistent', [host('alpha', 'alpha-01', ['dev']), host('beta', null)], 'elsewhere')).toMatchObject({ host: 'alpha-01', roles: ['dev'], source: 'genome' });
  });

  it('uses the hostname when the genome is ambiguous or silent, and says why', () => {
    const two = resolveIdentity('/nonexistent', [host('alpha', 'a'), host('beta', 'b')], 'elsewhere');
    expect(two).toMatchObject({ host: 'elsewhere', roles: [], source: 'hostname' });
    expect(two.detail).toContain('2 host configurations declare an identity (alpha, beta) and none matches hostname "elsewhere"');
    expect(resolveIdentity('/nonexistent', [], 'h').detail).toContain('no host configuration');
  });

  it('gives no identity, saying why and how to give one, when the machine has no hostname and nothing else names it', () => {
    const id = resolveIdentity('/nonexistent', [host('alpha', null)], undefined);
    expect(id).toMatchObject({ host: '', roles: [], source: 'none' });
    expect(id.detail).toContain('this machine has no hostname (/proc/sys/kernel/hostname and os.hostname() are empty or "(none)"): no identity');
    expect(id.detail).toContain('hostnamectl set-hostname');
    expect(id.detail).toContain('/nonexistent/identity.json');
    // Two hosts declare one, and no hostname to choose between them.
    const two = resolveIdentity('/nonexistent', [host('a', 'a-01'), host('b', 'b-01')], undefined);
    expect(two).toMatchObject({ host: '', source: 'none' });
    expect(two.detail).toContain('2 host configurations declare an identity (a, b) and none matches this machine, which has no hostname');
  });

  it('still takes the identity file, or the only host configuration that sets one, without a hostname', () => {
    expect(resolveIdentity('/nonexistent', [host('alpha', 'alpha-01', ['dev'])], undefined)).toMatchObject({ host: 'alpha-01', roles: ['dev'], source: 'genome' });
    const etc = tempDir();
    writeTree(etc, { 'identity.json': JSON.stringify({ host: 'from-file', roles: [] }) });
    expect(resolveIdentity(etc, [], undefined)).toMatchObject({ host: 'from-file', source: 'identity-file' });
  });

  it('says why an identity.json that is there was passed over, and nothing for one that is absent or used', () => {
    const etc = tempDir();
    expect(readIdentityFile(etc)).toEqual({ path: `${etc}/identity.json`, note: `${etc}/identity.json does not exist` });
    writeTree(etc, { 'identity.json': '{"host": ' });
    expect(readIdentityFile(etc)).toMatchObject({ problem: expect.stringMatching(/^not valid JSON: .+$/), note: expect.stringMatching(/identity\.json is not valid JSON: /) });
    writeTree(etc, { 'identity.json': '{"host": "h", "roles": "web"}' });
    expect(readIdentityFile(etc).problem).toBe('not a valid identity file (roles must be a list of strings)');
    writeTree(etc, { 'identity.json': '{"host": "h", "roles": []}' });
    expect(readIdentityFile(etc).problem).toBeUndefined();
    const dir = tempDir();
    mkdirSync(join(dir, 'identity.json'));
    expect(readIdentityFile(dir)).toMatchObject({ problem: expect.stringMatching(/^cannot be read \(/), note: expect.stringMatching(/identity\.json cannot be read \(/) });
  });

  it('passes over an identity.json that is broken, saying so', () => {
    const etc = tempDir();
    writeTree(etc, { 'identity.json': '{"roles": []}' });
    const id = resolveIdentity(etc, [], 'h');
    expect(id).toMatchObject({ host: 'h', source: 'hostname' });
    expect(id.detail).toContain('is not a valid identity file (host is missing)');
  });
});
