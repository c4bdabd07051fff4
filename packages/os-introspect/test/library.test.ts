import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { introspect, renderSummary } from '@autopoietic/os-introspect';
import { expectValidSelfState, sandbox } from './helpers.js';

// The library entry the demo and the evolve loop use: same self-state as the CLI, in-process.
describe('introspect() as a library', () => {
  it('returns a schema-valid self-state, with host paths injectable', async () => {
    const s = sandbox();
    const profiles = join(s.home, 'profiles');
    mkdirSync(join(s.home, 'gen-3'), { recursive: true });
    mkdirSync(profiles);
    symlinkSync(join(s.home, 'gen-3'), join(profiles, 'system-3-link'));
    const state = await introspect({ root: s.root, memoryDir: s.memory, etcDir: s.etc, home: s.home, profilesDir: profiles, currentSystem: join(profiles, 'system-3-link') });
    expectValidSelfState(state);
    expect(state.genome.hosts.map((h) => h.name)).toEqual(['alpha', 'beta']);
    expect(state.body.generations).toMatchObject({ available: true, current_system: join(s.home, 'gen-3'), system_generations: [{ generation: 3, current: true }] });
    expect(state.body.installed_packages).toEqual({ available: false, reason: 'no user profile (~/.nix-profile does not exist)', packages: [] });
    expect(renderSummary(state)).toContain('host alpha-01');
    expect(renderSummary(state)).not.toContain('not read');
    // Past ten entries not read (a sparse checkout can leave out thousands), the rest are counted.
    const skipped = Array.from({ length: 12 }, (_, i) => ({ path: `gone/m${i}.nix`, reason: 'not checked out (sparse checkout)' }));
    const lines = renderSummary({ ...state, genome: { ...state.genome, skipped } }).split('\n');
    const at = lines.indexOf('  not read: 12');
    expect(lines.slice(at + 1, at + 12)).toEqual([...skipped.slice(0, 10).map((x) => `    ${x.path}: ${x.reason}`), '    (+2 more in genome.skipped)']);
  });

  it('throws a clear AosError for a missing root', async () => {
    await expect(introspect({ root: '/nonexistent/genome' })).rejects.toMatchObject({ code: 'root-not-found', exit: 1 });
  });
});
