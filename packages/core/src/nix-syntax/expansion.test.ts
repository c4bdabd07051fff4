import { describe, expect, it } from 'vitest';
import { analyzeTree, type NixFileAnalysis } from './analyze.js';
import { loadNixParser } from './parser.js';
import { withNodeReadingOnly } from './tree-source.js';

/**
 * Hostile Nix that names its own values: cycles Nix evaluates lazily, values that name each other
 * twice over (2^depth walks), and lists that are huge when followed. Each must be read in bounded
 * time and size, the source reading and the node reading agreeing, and nothing computed reported
 * as a value.
 */
async function both(source: string): Promise<NixFileAnalysis> {
  const parser = await loadNixParser();
  const fast = parser.withTree(source, analyzeTree);
  const slow = withNodeReadingOnly(() => parser.withTree(source, analyzeTree));
  expect(fast).toEqual(slow);
  return fast;
}

/** `a0 = { x = a1; y = a1; }; a1 = …` down to `a<depth>`: 2^depth leaves when walked in full. */
function doubling(depth: number, leaf: string): string {
  const lets = Array.from({ length: depth }, (_, i) => `a${i} = { x = a${i + 1}; y = a${i + 1}; };`).join('\n');
  return `${lets}\na${depth} = ${leaf};`;
}

describe('values that name themselves', () => {
  it('reads config that contains itself once, as the name it is written as', async () => {
    const m = (await both('{ ... }: let a = { x = a; y = a; }; in { config = a; }')).module!;
    expect(m.config.map((s) => [s.path, s.value, s.literal])).toEqual([
      ['x', 'a', undefined],
      ['y', 'a', undefined],
    ]);
  });

  it('reads options that contain themselves as computed, and the options beside them', async () => {
    const m = (await both('{ lib, ... }: let a = { x = a; y = a; z = lib.mkOption { default = 1; }; }; in { options = a; }')).module!;
    expect(m.options.map((o) => [o.path, o.default_value])).toEqual([['z', 1]]);
    expect(m.computed_options.map((c) => [c.path, c.expr])).toEqual([
      ['x', 'a'],
      ['y', 'a'],
    ]);
  });

  it('stops a mkMerge that merges itself', async () => {
    const m = (await both('{ lib, ... }: let a = lib.mkMerge [ a a { b = 1; } ]; in { config = a; }')).module!;
    expect(m.config.map((s) => [s.path, s.literal])).toEqual([['b', 1]]);
  });

  it('walks values that name each other twice over in bounded time', async () => {
    const t0 = performance.now();
    const m = (await both(`{ ... }: let\n${doubling(30, '{ v = 1; }')}\nin { config = a0; }`)).module!;
    expect(performance.now() - t0).toBeLessThan(10_000);
    // Fewer leaves than 2^24 (the depth limit), and the ones reported are what the source says.
    expect(m.config.length).toBeLessThan(100_000);
    for (const s of m.config) expect(s.literal === undefined || s.literal === 1).toBe(true);
  });

  it('reads a list joined to itself once, and not as complete', async () => {
    const f = (await both(`{ outputs = { self, nixpkgs }: let mods = mods ++ [ ./x.nix ]; in {
      nixosConfigurations.h = nixpkgs.lib.nixosSystem { system = "x86_64-linux"; modules = mods; };
    }; }`)).flake!;
    expect(f.hosts[0]!.modules.map((r) => r.expr)).toEqual(['./x.nix']);
    expect(f.hosts[0]!.modules_static).toBe(false);
  });

  it('keeps an import list joined to itself as one computed entry, not 2^16 copies', async () => {
    const paths = Array.from({ length: 2000 }, (_, i) => `./m${i}.nix`).join(' ');
    const m = (await both(`{ ... }: let i = (i ++ i) ++ [ ${paths} ]; in { imports = i; }`)).module!;
    expect(m.imports.filter((r) => r.kind === 'path')).toHaveLength(2000);
    expect(m.imports.filter((r) => r.kind === 'expression').map((r) => r.expr)).toEqual(['i', 'i']);
  });
});

describe('huge written-out values', () => {
  it('reads 200,000 imports and 200,000 settings (no spread into a call)', async () => {
    const n = 200_000;
    const imports = Array.from({ length: n }, (_, i) => `./m${i}.nix`).join('\n');
    const config = Array.from({ length: n }, (_, i) => `a${i} = ${i};`).join('\n');
    const m = (await analyzeNixSource(`{ ... }: { imports = [\n${imports}\n]; config = {\n${config}\n}; }`)).module!;
    expect(m.imports).toHaveLength(n);
    expect(m.config).toHaveLength(n);
    expect(m.config[n - 1]).toMatchObject({ path: `a${n - 1}`, literal: n - 1 });
  }, 60_000);
});

async function analyzeNixSource(source: string): Promise<NixFileAnalysis> {
  return (await loadNixParser()).withTree(source, analyzeTree);
}
