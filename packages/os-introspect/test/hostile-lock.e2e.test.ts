import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectValidSelfState, introspectCli, sandbox } from './helpers.js';

// flake.lock is genome content: a proposal can change it, so a hostile lock must give a valid
// self-state quickly, never a hang, a crash or an "internal error".
const MINIMAL = { 'flake.nix': '{ outputs = { self }: { }; }\n' };

function observeLock(lock: unknown) {
  const s = sandbox(MINIMAL);
  writeFileSync(join(s.root, 'flake.lock'), JSON.stringify(lock));
  const r = introspectCli(s, ['--no-cache']);
  expect(r.code, r.stderr).toBe(0);
  return expectValidSelfState(r.json()).genome;
}

describe('hostile flake.lock', () => {
  it('resolves follows that fan out exponentially in linear time (b30 -> b29, b29 twice -> ...)', () => {
    const inputs: Record<string, string | string[]> = { b0: 'n' };
    for (let i = 1; i <= 30; i++) inputs[`b${i}`] = [`b${i - 1}`, `b${i - 1}`];
    const started = Date.now();
    const genome = observeLock({ version: 7, root: 'root', nodes: { root: { inputs }, n: { inputs, locked: { type: 'path', path: '/x' } } } });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(genome.inputs.find((i) => i.name === 'b30')).toMatchObject({ node: 'n', follows: 'b29/b29' });
  });

  it('reports a follows cycle as unresolved', () => {
    const genome = observeLock({ version: 7, root: 'root', nodes: { root: { inputs: { a: ['b'], b: ['a'], c: ['c', 'x'] } } } });
    expect(genome.inputs.map((i) => [i.name, i.node])).toEqual([
      ['a', null],
      ['b', null],
      ['c', null],
    ]);
  });

  it('leaves out what it cannot represent: a lastModified beyond year 9999, a fractional version', () => {
    const genome = observeLock({
      version: 7.5,
      root: 'root',
      nodes: { root: { inputs: { far: 'far', past: 'past', ok: 'ok' } }, far: { locked: { type: 'path', lastModified: 1e300 } }, past: { locked: { lastModified: -1e12 } }, ok: { locked: { lastModified: 0 } } },
    });
    expect(genome.lock).toEqual({ present: true, version: null });
    expect(genome.inputs.find((i) => i.name === 'far')).toEqual({ name: 'far', node: 'far', type: 'path', inputs: [] });
    expect(genome.inputs.find((i) => i.name === 'past')).toEqual({ name: 'past', node: 'past', type: null, inputs: [] });
    expect(genome.inputs.find((i) => i.name === 'ok')).toMatchObject({ last_modified: 0, last_modified_at: '1970-01-01T00:00:00.000Z' });
  });

  it('does not take names such as toString or constructor for lock nodes, nor a string for an input set', () => {
    const genome = observeLock({ version: 7, root: 'root', nodes: { root: { inputs: { a: 'toString', b: ['constructor'] } }, odd: { inputs: 'abc' } } });
    expect(genome.inputs.map((i) => [i.name, i.node])).toEqual([
      ['a', null],
      ['b', null],
    ]);
    expect(genome.transitive_inputs).toEqual([{ node: 'odd', type: null, inputs: [] }]);
  });
});
