import { describe, expect, it } from 'vitest';
import type { FlakeOutputDecl } from '@autopoietic/core/nix-syntax';
import { flattenShow } from './flake-eval.js';
import { flakeOutputs } from './outputs.js';

const decl = (attr: string, over: Partial<FlakeOutputDecl>): FlakeOutputDecl => ({
  category: attr.split('.')[0]!,
  system: null,
  name: null,
  attr,
  static: true,
  per_system: false,
  line: 1,
  col: 1,
  ...over,
});

describe('flake outputs against nix flake show', () => {
  const show = {
    checks: { 'x86_64-linux': { 'c-a': { name: 'a', type: 'derivation' } } },
    legacyPackages: { 'x86_64-linux': {} },
    formatter: { 'x86_64-linux': { name: 'fmt', type: 'derivation' } },
    lib: { type: 'unknown' },
    nixosModules: { m: { type: 'nixos-module' } },
    packages: { 'aarch64-linux': { hello: { name: 'hello', type: 'derivation' } }, 'x86_64-linux': { hello: { name: 'hello', type: 'derivation' } } },
    // Nix 2.13+ without --all-systems: another system's outputs are listed but not evaluated.
    devShells: { 'aarch64-darwin': { default: {} } },
  };

  it('flattens the show tree', () => {
    expect(flattenShow(show)).toEqual([
      { category: 'checks', system: 'x86_64-linux', name: 'c-a', type: 'derivation' },
      { category: 'formatter', system: 'x86_64-linux', name: null, type: 'derivation' },
      { category: 'lib', system: null, name: null, type: 'unknown' },
      { category: 'nixosModules', system: null, name: 'm', type: 'nixos-module' },
      { category: 'packages', system: 'aarch64-linux', name: 'hello', type: 'derivation' },
      { category: 'packages', system: 'x86_64-linux', name: 'hello', type: 'derivation' },
    ]);
  });

  it('marks evaluated, parsed-only and eval-only outputs', () => {
    const decls = [
      decl('packages.<system>.hello', { per_system: true, name: 'hello' }),
      decl('legacyPackages.x86_64-linux.foo', { per_system: true, system: 'x86_64-linux', name: 'foo' }),
      decl('checks.x86_64-linux.<name>', { per_system: true, system: 'x86_64-linux', static: false, line: 7 }),
      decl('nixosModules.m', { name: 'm' }),
    ];
    const out = flakeOutputs(decls.map((d) => ({ decl: d, file: 'flake.nix' })), { ok: true, outputs: flattenShow(show), command: 'nix flake show' });
    expect(out.map((o) => [o.attr, o.evaluation, o.line, o.eval_type ?? null])).toEqual([
      ['packages.<system>.hello', 'evaluated', 1, 'derivation'],
      ['legacyPackages.x86_64-linux.foo', 'parsed-only', 1, null],
      ['checks.x86_64-linux.<name>', 'evaluated', 7, 'derivation'],
      ['nixosModules.m', 'evaluated', 1, 'nixos-module'],
      ['checks.x86_64-linux.c-a', 'eval-only', 7, 'derivation'],
      ['formatter.x86_64-linux', 'eval-only', null, 'derivation'],
      ['lib', 'eval-only', null, 'unknown'],
    ]);
  });

  it('does not take homeConfigurations.<name> for a configuration under legacyPackages (nix flake show lists none there)', () => {
    const homes = { homeConfigurations: { carol: { type: 'unknown' } }, legacyPackages: { 'x86_64-linux': {} } };
    const decls = [
      decl('legacyPackages.<system>.homeConfigurations.carol', { category: 'homeConfigurations', per_system: true, name: 'carol' }),
      decl('homeConfigurations.carol', { name: 'carol' }),
    ];
    const out = flakeOutputs(decls.map((d) => ({ decl: d, file: 'flake.nix' })), { ok: true, outputs: flattenShow(homes), command: 'nix flake show' });
    expect(out.map((o) => [o.attr, o.evaluation])).toEqual([
      ['legacyPackages.<system>.homeConfigurations.carol', 'parsed-only'],
      ['homeConfigurations.carol', 'evaluated'],
    ]);
  });

  it('marks everything not-evaluated without a successful evaluation', () => {
    const out = flakeOutputs([{ decl: decl('nixosModules.m', { name: 'm' }), file: 'flake.nix' }], { ok: false, reason: 'offline', command: 'nix flake show' });
    expect(out[0]!.evaluation).toBe('not-evaluated');
  });
});
