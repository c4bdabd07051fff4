import { describe, expect, it } from 'vitest';
import { analyzeNixSource } from './analyze.js';
import { loadNixParser } from './parser.js';
import { attrEntries, entryValue, resolveTyped, unwrapBody } from './scope.js';
import { fieldChild } from './tree-source.js';

/** The text each top-level name of the file's value resolves to (undefined: not statically known). */
async function resolvedEntries(source: string): Promise<Record<string, string | undefined>> {
  const parser = await loadNixParser();
  return parser.withTree(source, (root) => {
    const body = unwrapBody(fieldChild(root, 'expression')!);
    const out: Record<string, string | undefined> = {};
    for (const e of attrEntries(body.node)) {
      const v = entryValue(e, body.scope);
      out[e.path.join('.')] = v ? resolveTyped(v.node, v.scope).node.text : undefined;
    }
    return out;
  });
}

/** What the file's value resolves to, followed through the names it is bound to. */
async function resolvedValue(source: string): Promise<string> {
  const parser = await loadNixParser();
  return parser.withTree(source, (root) => {
    const body = unwrapBody(fieldChild(root, 'expression')!);
    return resolveTyped(body.node, body.scope).node.text;
  });
}

describe('a name resolves in the scope that binds it', () => {
  it('reads the set of `inherit (a) x;` where `a` is bound, not where the inherit is written', async () => {
    // `b` in `a = b` is the outer let's `b` (there is none), never the inner one.
    expect(await resolvedEntries('let a = b; in let b = { x = 1; }; in { inherit (a) x; }')).toEqual({ x: undefined });
    expect(await resolvedEntries('let b = { x = 0; }; a = b; in let b = { x = 1; }; in { inherit (a) x; }')).toEqual({ x: '0' });
    // The attribute's own value is read in its set's scope: `y` there is the set's `y`.
    expect(await resolvedEntries('let y = 2; s = { x = y; }; in let y = 3; in { inherit (s) x; }')).toEqual({ x: '2' });
  });

  it('binds the names a let inherits, from a set the let binds after them too', async () => {
    expect(await resolvedValue('let inherit (s) x; s = { x = { enable = true; }; }; in x')).toBe('{ enable = true; }');
    // `inherit x;` is the `x` outside, read where that is written.
    expect(await resolvedValue('let x = { a = 1; }; in let inherit x; in x')).toBe('{ a = 1; }');
    // A set the reader cannot follow still binds the name: the outer `x` is hidden.
    expect(await resolvedValue('let x = { a = 1; }; in let inherit (lib) x; in x')).toBe('x');
    // Through a set whose attribute is itself inherited, and a rec set read in its own scope.
    expect(await resolvedValue('let t = { x = 4; }; s = { inherit (t) x; }; inherit (s) x; in x')).toBe('4');
    expect(await resolvedValue('let y = 6; s = rec { y = 5; x = y; }; inherit (s) x; in x')).toBe('5');
  });

  it("reads a module's settings through a name its let inherits, and not through one it hides", async () => {
    const a = await analyzeNixSource(`{ lib, ... }:
let
  inherit (s) web;
  s = { web = { enable = true; port = 80; }; };
  hidden = { enable = true; };
in
let inherit (lib) hidden; in
{
  services.web = web;
  services.other = hidden;
}`);
    expect(a.module?.config.map((c) => [c.path, c.literal])).toEqual([
      ['services.web.enable', true],
      ['services.web.port', 80],
      ['services.other', undefined],
    ]);
  });

  it('follows `x.a.b` into a set written out, and `x.a or d` to the default when the set has no `a`', async () => {
    expect(await resolvedValue('let x = { a = { b = ./m.nix; }; }; in x.a.b')).toBe('./m.nix');
    expect(await resolvedValue('let extra = { }; in extra.modules or [ ./d.nix ]')).toBe('[ ./d.nix ]');
    expect(await resolvedValue('let extra = { modules = [ ./m.nix ]; }; in extra.modules or [ ]')).toBe('[ ./m.nix ]');
    // In a rec set, the attribute's value is read in the set's own scope.
    expect(await resolvedValue('let y = 1; x = rec { y = 2; a = y; }; in x.a')).toBe('2');
    // Not known: a set not written out, a name the set may build (`a.b = …`, `${n} = …`), a missing name without a default.
    expect(await resolvedValue('{ lib, ... }: lib.a or 1')).toBe('lib.a or 1');
    expect(await resolvedValue('let x = { a.b = 1; }; in x.a or 0')).toBe('x.a or 0');
    expect(await resolvedValue('let n = "a"; x = { ${n} = 1; }; in x.a or 0')).toBe('x.a or 0');
    expect(await resolvedValue('let x = { }; in x.a')).toBe('x.a');
    // A set that selects from itself stops (the steps are bounded), and so does a default that does.
    expect(await resolvedValue('let x = { a = x.a; }; in x.a')).toBe('x.a');
    expect(await resolvedValue('let x = { }; y = x.a or y; in y')).toMatch(/^(y|x\.a or y)$/);
  });
});
