import { describe, expect, it } from 'vitest';
import { FLAKE_LOCK } from '../../../test/fixtures/genome.js';
import { readFlakeLock } from './flake-lock.js';

describe('flake.lock', () => {
  it('lists the root inputs with what they are locked to, and their follows edges', () => {
    const r = readFlakeLock(JSON.stringify(FLAKE_LOCK), new Map([['nixpkgs', 'github:NixOS/nixpkgs/nixos-unstable']]));
    expect(r.version).toBe(7);
    expect(r.inputs).toEqual([
      {
        name: 'home-manager',
        node: 'home-manager',
        type: 'github',
        owner: 'nix-community',
        repo: 'home-manager',
        rev: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        nar_hash: 'sha256-hm',
        last_modified: 1700000000,
        last_modified_at: '2023-11-14T22:13:20.000Z',
        inputs: [
          { input: 'nixpkgs', to: 'nixpkgs', follows: 'nixpkgs' },
          { input: 'utils', to: 'utils' },
        ],
      },
      {
        name: 'nixpkgs',
        node: 'nixpkgs',
        declared_url: 'github:NixOS/nixpkgs/nixos-unstable',
        type: 'github',
        owner: 'NixOS',
        repo: 'nixpkgs',
        ref: 'nixos-unstable',
        rev: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
        nar_hash: 'sha256-np',
        last_modified: 1710000000,
        last_modified_at: '2024-03-09T16:00:00.000Z',
        inputs: [],
      },
    ]);
  });

  it('lists transitive nodes separately, with follows resolved from the root', () => {
    const r = readFlakeLock(JSON.stringify(FLAKE_LOCK));
    expect(r.transitive).toEqual([
      {
        node: 'utils',
        type: 'tarball',
        url: 'https://example.invalid/utils.tar.gz',
        nar_hash: 'sha256-ut',
        last_modified: 1690000000,
        last_modified_at: '2023-07-22T04:26:40.000Z',
        inputs: [{ input: 'systems', to: 'nixpkgs', follows: 'nixpkgs' }],
      },
    ]);
  });

  it('resolves multi-step follows, and reports dangling ones and root inputs that follow', () => {
    const lock = {
      version: 7,
      root: 'root',
      nodes: {
        root: { inputs: { a: 'a', b: ['a', 'inner'], c: ['nope'], d: 'gone', e: ['a', 'lost'] } },
        a: { inputs: { inner: 'x_2', lost: 'gone' }, locked: { type: 'path', path: '/src/a' } },
        x_2: { locked: { type: 'git', url: 'https://example.invalid/x.git', rev: 'cccc' } },
      },
    };
    const r = readFlakeLock(JSON.stringify(lock));
    expect(r.inputs.map((i) => [i.name, i.node, i.follows ?? null, i.url ?? null])).toEqual([
      ['a', 'a', null, '/src/a'],
      ['b', 'x_2', 'a/inner', 'https://example.invalid/x.git'],
      ['c', null, 'nope', null],
      // a node name the lock does not hold, directly or at the end of a follows path
      ['d', null, null, null],
      ['e', null, 'a/lost', null],
    ]);
    expect(r.transitive.map((t) => t.node)).toEqual(['x_2']);
  });

  it('reports a malformed lock instead of failing', () => {
    expect(readFlakeLock('{ nope')).toMatchObject({ inputs: [], error: expect.stringContaining('not valid JSON') });
    expect(readFlakeLock('{"version": 7}')).toMatchObject({ version: 7, error: expect.stringContaining('no "nodes"') });
  });
});
