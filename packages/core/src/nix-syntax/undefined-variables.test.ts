import { describe, expect, it } from 'vitest';
import { generatedNixFiles, repositoryNixFiles } from '../../../../tests/support/nix-corpus.js';
import { nixParseVerdict as nixVerdict } from '../../../../tests/support/nix-env.js';
import { analyzeNixSource } from './analyze.js';

// A name nothing binds: Nix's parser rejects the file (`undefined variable 'x'`), the grammar does not.
const REJECTED: [source: string, line: number, col: number, name: string][] = [
  ['{ a = b; }', 1, 7, 'b'],
  ['x: y', 1, 4, 'y'],
  ['{ a = 1; b = a; }', 1, 14, 'a'],
  ['let a = 1; in { b = a; c = d; }', 1, 28, 'd'],
  ['{ a, b ? c }: a', 1, 10, 'c'],
  ['"x${z}"', 1, 5, 'z'],
  ['with undefinedEnv; x', 1, 6, 'undefinedEnv'],
  ['{ stdlib }:\nlet\n  inherit (stdlib) map2;\nin {\n  f = set: concatAttrs [ set ];\n}', 5, 12, 'concatAttrs'],
  ['let f = x: x; in f (g 1)', 1, 21, 'g'],
  ['{ a = { b = 1; }; c = a.b or 1; }', 1, 23, 'a'],
  ['{ inherit (missing) x; }', 1, 12, 'missing'],
  ['let a = b; in let b = 1; in a', 1, 9, 'b'],
  // A trailing comma in formals is the grammar's known gap, not an error: the names are still read.
  ['{ a, b, }: c', 1, 12, 'c'],
  // `inherit x;` takes x from outside its set: a let's or rec set's own x does not count.
  ['{ inherit x; }', 1, 11, 'x'],
  ['let inherit y; in y', 1, 13, 'y'],
  ['rec { b = 1; inherit z; }', 1, 22, 'z'],
];

const ACCEPTED = [
  // Nix's own names, in every file.
  '[ builtins.length map toString true false null import abort throw baseNameOf dirOf isNull removeAttrs derivation placeholder fetchTarball fetchGit fetchTree fromTOML scopedImport ]',
  '[ __curPos __nixPath __currentSystem __storeDir ]',
  // Bound by a let (also through inherit and a dotted name), a rec set, a function.
  'let a = 1; inherit (builtins) length; b.c = 2; in [ a length b ]',
  'rec { a = 1; b = a; c = { d = b; }; }',
  'x: y: [ x y ]',
  'args@{ a, b ? a, ... }: [ a b args ]',
  '{ a, ... }@args: args.a',
  'let { a = 1; body = a; }',
  // The body of `with` may take any name from its set.
  'with { }; [ anything at all ]',
  'pkgs: with pkgs; { x = [ hello ]; }',
  'let lib = { }; in { a = with lib; mkIf; b = lib.x or 1; }',
  // Attribute names and selections are no variables.
  'let a = { b = 1; }; in { c = a.b; d.e = 1; "f" = 2; inherit (a) b; }',
  'x: { inherit x; y = let inherit x; in x; z = rec { inherit x; w = x; }; }',
  'let a = 1; in let inherit a; in { inherit a builtins; }',
  'with { }; { inherit anything; }',
];

describe('variables nothing binds', () => {
  it.each(REJECTED)('reports %j: undefined at %i:%i', async (source, line, col, name) => {
    const a = await analyzeNixSource(source);
    expect(a.syntax.errors).toEqual([{ line, col, message: expect.stringContaining(`undefined variable '${name}'`) }]);
  });

  it.each(ACCEPTED)('reports nothing for %j', async (source) => {
    expect((await analyzeNixSource(source)).syntax).toEqual({ errors: [], benign: [] });
  });

  it('agrees with nix-instantiate --parse on every case, and names the same variable', () => {
    const disagreements = [
      ...REJECTED.flatMap(([source, , , name]) => {
        const verdict = nixVerdict(source);
        return verdict?.includes(`undefined variable '${name}'`) ? [] : [`Nix says ${JSON.stringify(verdict)} of ${JSON.stringify(source)}`];
      }),
      ...ACCEPTED.flatMap((source) => {
        const verdict = nixVerdict(source);
        return verdict === null ? [] : [`Nix rejects ${JSON.stringify(source)}: ${verdict}`];
      }),
    ];
    expect(disagreements).toEqual([]);
  });

  it('finds none in the Nix of this repository and of the generated corpus (all of which Nix parses)', async () => {
    const sources = [...repositoryNixFiles(), ...generatedNixFiles(300)];
    const found: string[] = [];
    for (const f of sources) {
      for (const e of (await analyzeNixSource(f.text)).syntax.errors) if (e.message.startsWith('undefined variable')) found.push(`${f.name}:${e.line}: ${e.message}`);
    }
    expect(sources.length).toBeGreaterThan(300);
    expect(found).toEqual([]);
  });

  it('looks for none in a tree with a grammar error, where a binder may be lost', async () => {
    const a = await analyzeNixSource('let a = ; in { b = c; }');
    expect(a.syntax.errors.map((e) => e.message)).not.toContainEqual(expect.stringContaining('undefined variable'));
    expect(a.syntax.errors.length).toBeGreaterThan(0);
  });

  it('reports each unbound use, at most 20 in a file', async () => {
    const a = await analyzeNixSource(`{\n${Array.from({ length: 25 }, (_, i) => `  a${i} = u${i};`).join('\n')}\n}`);
    expect(a.syntax.errors).toHaveLength(20);
    expect(a.syntax.errors.map((e) => e.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
  });
});
