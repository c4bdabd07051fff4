import { describe, expect, it } from 'vitest';
import { attrPath, literalValue, renderAttrPath, stringLiteral, dottedName, type NixLiteral } from './nodes.js';
import { analyzeNixSource } from './analyze.js';
import { loadNixParser } from './parser.js';
import type { SyntaxNode } from './syntax-tree.js';

/** The value expression of `x = <expr>;` in `{ x = <expr>; }`. */
async function bindingValue<T>(expr: string, fn: (n: SyntaxNode) => T): Promise<T> {
  const p = await loadNixParser();
  return p.withTree(`{ x = ${expr}; }`, (root) => {
    const binding = root.descendantsOfType('binding')[0]!;
    return fn(binding.childForFieldName('expression')!);
  });
}

describe('string literals', () => {
  it('decodes escapes in "…" strings', async () => {
    expect(await bindingValue(String.raw`"a\"b\n\t\${c}\\"`, stringLiteral)).toBe('a"b\n\t${c}\\');
  });

  it("decodes '' strings: escapes, then the common indentation is removed", async () => {
    const src = "''\n    line one\n      indented ''${not} '''quoted'''\n    last\n  ''";
    expect(await bindingValue(src, stringLiteral)).toBe("line one\n  indented ${not} ''quoted''\nlast\n");
  });

  it('decodes the same whether read from the text alone or fragment by fragment', async () => {
    // Text-only reading covers strings without `${`; the rest walk the fragments.
    expect(await bindingValue(String.raw`"tab\tq\"b\\s$x"`, stringLiteral)).toBe('tab\tq"b\\s$x');
    expect(await bindingValue(String.raw`"d\${x} \"y\""`, stringLiteral)).toBe('d${x} "y"');
    expect(await bindingValue("''\n    a 'q' $b\n      c\n  ''", stringLiteral)).toBe("a 'q' $b\n  c\n");
    expect(await bindingValue("''\n    a '''q''' ''$b\n  ''", stringLiteral)).toBe("a ''q'' $b\n");
  });

  it("strips '' indentation as Nix does: spaces only, blank lines keep what is past it, CR is text", async () => {
    // Expected values are `nix-instantiate --eval --strict` (Nix 2.8) of the same strings.
    const cases: [string, string][] = [
      ["''\n\tx\n\ty\n''", '\tx\n\ty\n'], // a tab is not indentation
      ["''\n  a\n     \n  b\n''", 'a\n   \nb\n'], // a blank line keeps spaces past the indentation
      ["''\n  a\n\t\n  b\n  \t''", '  a\n\t\n  b\n  \t'], // tab lines count: nothing is cut
      ["''  \n  x\n  ''", 'x\n'],
      ["'' x\n    y''", 'x\n   y'],
      ["''\r\n    x\r\n  ''", '\r\n    x\r\n'], // CR is not a space: no indentation to cut
    ];
    for (const [src, value] of cases) expect(await bindingValue(src, stringLiteral), JSON.stringify(src)).toBe(value);
  });

  it('reads CR and CR LF in "…" strings as LF, as Nix does (an escaped CR stays)', async () => {
    expect(await bindingValue('"d\r\n e\rf"', stringLiteral)).toBe('d\n e\nf');
    expect(await bindingValue('"q\\\r\nz"', stringLiteral)).toBe('q\r\nz');
    expect(await bindingValue('"a\r\n${"b"}"', stringLiteral)).toBeUndefined();
  });

  it('is undefined for strings with interpolation', async () => {
    expect(await bindingValue('"a${b}c"', stringLiteral)).toBeUndefined();
    expect(await bindingValue("''a ${b} c''", stringLiteral)).toBeUndefined();
  });
});

describe('literal values', () => {
  const cases: [string, NixLiteral | undefined][] = [
    ['42', 42],
    ['-7', -7],
    ['1.5', 1.5],
    ['true', true],
    ['false', false],
    ['null', null],
    ['[ "a" 1 [ true ] ]', ['a', 1, [true]]],
    ['(("p"))', 'p'],
    ['[ a ]', undefined],
    ['x.y', undefined],
    ['{ }', undefined],
  ];
  it.each(cases)('%s', async (src, expected) => {
    expect(await bindingValue(src, (n) => literalValue(n)?.value)).toEqual(expected);
  });
});

describe('names', () => {
  async function pathOf(src: string): Promise<ReturnType<typeof attrPath>> {
    const p = await loadNixParser();
    return p.withTree(`{ ${src} = 1; }`, (root) => attrPath(root.descendantsOfType('attrpath')[0]!));
  }

  it('reads attribute paths with identifiers, quoted names, spaces and interpolations', async () => {
    expect(await pathOf(`a.b-c.d'`)).toEqual({ path: ['a', 'b-c', "d'"], dynamic: false });
    expect(await pathOf(String.raw`environment.etc."x/y.conf".text."q\"$"`)).toEqual({ path: ['environment', 'etc', 'x/y.conf', 'text', 'q"$'], dynamic: false });
    expect(await pathOf('a . "b" .c')).toEqual({ path: ['a', 'b', 'c'], dynamic: false });
    expect(await pathOf('a."${b}".c')).toEqual({ path: ['a', '"${b}"', 'c'], dynamic: true });
    expect(await pathOf('a.${b}')).toEqual({ path: ['a', '${b}'], dynamic: true });
  });

  it('renders attribute paths the way Nix writes them', () => {
    expect(renderAttrPath(['a', 'b-c', "d'", 'e/f.json', '${x}', '1x'])).toBe('a.b-c.d\'."e/f.json".${x}."1x"');
  });

  it('renders an interpolated "…" name as written, not quoted again', async () => {
    // `users.users."${name}-bot"` was rendered `users.users."\"${name}-bot\""`.
    const read = await pathOf('users.users."${name}-bot".uid');
    expect(renderAttrPath(read.path)).toBe('users.users."${name}-bot".uid');
    const m = (await analyzeNixSource('{ name, ... }: { services."${name}-x".enable = true; }')).module!;
    expect(m.config.map((c) => c.path)).toEqual(['services."${name}-x".enable']);
  });

  it('reads dotted names of variables and selects', async () => {
    expect(await bindingValue('lib.types.str', dottedName)).toBe('lib.types.str');
    expect(await bindingValue('a.${b}', dottedName)).toBeUndefined();
    expect(await bindingValue('a.b or c', dottedName)).toBeUndefined();
  });
});
