import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/cli.js';

// Rules about the shipped code that neither tsc nor biome can state.

/** The shipped sources: packages/*\/src and packages/*\/bin, tests excluded. */
function shippedSources(): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (/\.(ts|js|cjs|mjs)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) out.push(p);
    }
  };
  for (const pkg of readdirSync(join(REPO_ROOT, 'packages'))) {
    for (const sub of ['src', 'bin']) {
      try {
        visit(join(REPO_ROOT, 'packages', pkg, sub));
      } catch {
        /* a package without bin/ */
      }
    }
  }
  return out;
}

describe('shipped code', () => {
  it('has sources to check (the scan itself works)', () => {
    const files = shippedSources().map((f) => relative(REPO_ROOT, f));
    expect(files).toContain('packages/core/src/adapters/fs-safe.ts');
    expect(files).toContain('packages/core/bin/bundle-loader.js');
  });

  it('never calls mkdir with recursive: true (it spins for ever under /proc; makeDirs in core does not)', () => {
    const offenders = shippedSources().flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${relative(REPO_ROOT, f)}:${i + 1}` }))
        .filter(({ line }) => !/^\s*(\*|\/\/)/.test(line) && /\bmkdir(Sync)?\s*\(.*recursive:\s*true/.test(line))
        .map(({ at }) => at),
    );
    expect(offenders).toEqual([]);
  });
});
