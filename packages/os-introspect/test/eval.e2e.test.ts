import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { observe, sandbox } from './helpers.js';

// --eval runs the real `nix flake show --json` (an input-free flake evaluates offline) and marks
// each output read from flake.nix as evaluated or parsed-only; computed names are eval-only.
const FLAKE = `{
  outputs = { self }:
    let
      system = "x86_64-linux";
      drv = name: derivation { inherit name system; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; };
    in
    {
      packages.\${system}.hello = drv "hello";
      legacyPackages.\${system}.foo = drv "foo";
      checks.\${system} = builtins.listToAttrs (map (n: { name = "c-\${n}"; value = drv n; }) [ "a" "b" ]);
      nixosModules.m = ./m.nix;
    };
}
`;

describe('os-introspect --eval', () => {
  it('marks outputs evaluated, parsed-only or eval-only from nix flake show', () => {
    const s = sandbox({ 'flake.nix': FLAKE, 'm.nix': '{ }\n' });
    const g = observe(s, ['--eval']).genome;
    expect(g.outputs_eval).toMatchObject({ requested: true, available: true, command: expect.stringContaining('flake show --json') });
    expect(g.outputs.map((o) => [o.attr, o.evaluation, o.line, o.eval_type ?? null])).toEqual([
      ['packages.x86_64-linux.hello', 'evaluated', 8, 'derivation'],
      ['legacyPackages.x86_64-linux.foo', 'parsed-only', 9, null],
      ['checks.x86_64-linux.<name>', 'evaluated', 10, 'derivation'],
      ['nixosModules.m', 'evaluated', 11, 'nixos-module'],
      ['checks.x86_64-linux.c-a', 'eval-only', 10, 'derivation'],
      ['checks.x86_64-linux.c-b', 'eval-only', 10, 'derivation'],
    ]);
  });

  it('reports an evaluation failure and keeps the parsed outputs', () => {
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { packages.x86_64-linux.x = throw "boom"; }; }\n' });
    const g = observe(s, ['--eval']).genome;
    expect(g.outputs_eval).toMatchObject({ requested: true, available: false, reason: expect.stringContaining('boom') });
    expect(g.outputs.map((o) => [o.attr, o.evaluation])).toEqual([['packages.x86_64-linux.x', 'not-evaluated']]);
  });

  it('names the command as a shell would read it, for a genome path with quotes and $', () => {
    const s = moved(sandbox({ 'flake.nix': FLAKE, 'm.nix': '{ }\n' }), "q'$HOME\"d");
    const g = observe(s, ['--eval']).genome;
    expect(g.outputs_eval).toMatchObject({ available: true, command: `nix --extra-experimental-features 'nix-command flakes' flake show --json --no-write-lock-file ${shQuote(s.root)}` });
  });

  it('says why a genome path with a space or non-ASCII letter cannot be evaluated by Nix', () => {
    const s = moved(sandbox({ 'flake.nix': FLAKE, 'm.nix': '{ }\n' }), 'my génome');
    const g = observe(s, ['--eval']).genome;
    expect(g.outputs_eval).toMatchObject({ requested: true, available: false, reason: expect.stringContaining("Nix cannot use a flake at a path containing ' ' and 'é'") });
    expect(g.outputs_eval.command).toContain(shQuote(s.root));
    expect(g.outputs.find((o) => o.attr === 'packages.x86_64-linux.hello')?.evaluation).toBe('not-evaluated');
  });
});

/** The sandbox with its genome moved into a directory named `name`. */
function moved<T extends { root: string }>(s: T, name: string): T {
  const dir = join(s.root, '..', name);
  mkdirSync(dir);
  const root = join(dir, 'genome');
  renameSync(s.root, root);
  return { ...s, root };
}

function shQuote(a: string): string {
  return `'${a.replace(/'/g, "'\\''")}'`;
}

