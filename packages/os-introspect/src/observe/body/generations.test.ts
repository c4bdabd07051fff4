import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../../tests/support/tmp.js';
import { observeGenerations, systemGenerations } from './generations.js';

describe('system generations', () => {
  it('sorts numerically (10 after 9), ignoring other profile links', () => {
    const names = ['system-10-link', 'system-9-link', 'system', 'per-user', 'system-1-link', 'system-x-link', 'default-3-link', 'system-11-link.tmp-42', 'old-system-12-link'];
    expect(systemGenerations(names).map((g) => g.generation)).toEqual([1, 9, 10]);
  });

  it('passes over numbers that are not exact in JavaScript (beyond 2^53), which no real profile reaches', () => {
    expect(systemGenerations(['system-9007199254740991-link', 'system-9007199254740992-link', 'system-99999999999999999999-link']).map((g) => g.generation)).toEqual([9007199254740991]);
  });

  it('reads the links and marks the one /run/current-system points at', () => {
    const dir = tempDir();
    const profiles = join(dir, 'profiles');
    mkdirSync(profiles);
    for (const n of [2, 10, 9]) {
      mkdirSync(join(dir, `store-${n}`));
      symlinkSync(join(dir, `store-${n}`), join(profiles, `system-${n}-link`));
    }
    symlinkSync(join(profiles, 'system-10-link'), join(dir, 'current-system'));
    const g = observeGenerations(profiles, join(dir, 'current-system'));
    expect(g.available).toBe(true);
    expect(g.current_system).toBe(join(dir, 'store-10'));
    expect(g.system_generations).toEqual([
      { generation: 2, path: join(profiles, 'system-2-link'), target: join(dir, 'store-2'), dangling: false, current: false },
      { generation: 9, path: join(profiles, 'system-9-link'), target: join(dir, 'store-9'), dangling: false, current: false },
      { generation: 10, path: join(profiles, 'system-10-link'), target: join(dir, 'store-10'), dangling: false, current: true },
    ]);
  });

  it('marks a link whose target is gone (or never resolves) as dangling, and goes on', () => {
    const dir = tempDir();
    const profiles = join(dir, 'profiles');
    mkdirSync(profiles);
    mkdirSync(join(dir, 'store-3'));
    symlinkSync(join(dir, 'store-3'), join(profiles, 'system-3-link'));
    symlinkSync(join(dir, 'store-1-collected'), join(profiles, 'system-1-link'));
    symlinkSync('system-2-link', join(profiles, 'system-2-link'));
    symlinkSync(join(profiles, 'system-3-link'), join(dir, 'current-system'));
    const g = observeGenerations(profiles, join(dir, 'current-system'));
    expect(g.available).toBe(true);
    expect(g.system_generations.map((x) => [x.generation, x.target, x.dangling, x.current])).toEqual([
      [1, join(dir, 'store-1-collected'), true, false],
      [2, 'system-2-link', true, false],
      [3, join(dir, 'store-3'), false, true],
    ]);
  });

  it('is unavailable with a reason when there are no profiles', () => {
    const g = observeGenerations('/nonexistent/profiles', '/nonexistent/current');
    expect(g).toMatchObject({ available: false, reason: expect.stringContaining('ENOENT'), current_system: null, system_generations: [] });
  });
});
