import { describe, expect, it } from 'vitest';
import type { SelfState } from '@autopoietic/core/schemas';
import { undeclaredInGoal } from './state-facts.js';

const observed = (declared: string[], set: string[]) => ({
  source: 'os-introspect',
  state: { genome: { modules: [{ path: 'm.nix', options: declared.map((path) => ({ path })), config: set.map((path) => ({ path })) }] } } as unknown as SelfState,
});

describe('undeclaredInGoal', () => {
  it('names the autopoietic.* and set option paths of the goal that no module declares', () => {
    const o = observed(['autopoietic.identity.host'], ['services.nginx.enable']);
    const goal = 'set autopoietic.identity.host and autopoietic.motd.text, services.nginx.enable, not foo.bar or 1autopoietic.x';
    expect(undeclaredInGoal(o, goal)).toEqual(['autopoietic.motd.text', 'services.nginx.enable']);
  });

  // The path pattern backtracked over every start inside a long word without a dot: a goal with
  // one 20 000-character word took 3.5 s per hand-off (hand-offs are built up to ~30 times to fit
  // --max-bytes), 100 000 characters took minutes.
  it('takes linear time on a long word without a dot', () => {
    const t0 = performance.now();
    expect(undeclaredInGoal(observed([], []), `set ${'a'.repeat(200_000)} now`)).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
