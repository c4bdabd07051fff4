import { describe, expect, it } from 'vitest';
import { analyzeNixSource } from './analyze.js';
import { notUtf8Note } from './diagnostics.js';
import { loadNixParser } from './parser.js';
import { SyntaxTree } from './syntax-tree.js';

describe('syntax diagnostics', () => {
  it('reports nothing for valid Nix with every construct the genome uses', async () => {
    const src = [
      'args@{ a ? 1, b, ... }:',
      'with builtins; assert true;',
      'let inherit (args) b; x = rec { y = 1; z = y; }; in',
      '{ s = "a${toString a}\\n"; i = \'\'',
      "  ''${escaped} '''",
      "  ${x.z}",
      "''; p = ./a.nix; q = <nixpkgs>; u = https://x.org; f = 1.5; n = -1; o = x.q or 2; d = { ${b} = 1; };",
      '  inherit b; inherit (x) y; l = [ 1 ] ++ [ 2 ]; m = { } // { }; c = if a == 1 then null else !true; }',
    ].join('\n');
    const a = await analyzeNixSource(src);
    expect(a.syntax).toEqual({ errors: [], benign: [] });
  });

  it('reports a file with no expression (empty, blank, only comments) and a byte-order mark, which the grammar accepts and Nix does not', async () => {
    expect((await analyzeNixSource('')).syntax.errors).toEqual([{ line: 1, col: 1, message: expect.stringContaining('no expression') }]);
    expect((await analyzeNixSource('  \n\t\n')).syntax.errors).toEqual([{ line: 3, col: 1, message: expect.stringContaining('no expression') }]);
    expect((await analyzeNixSource('# only a comment\n/* and another */')).syntax.errors).toEqual([{ line: 2, col: 18, message: expect.stringContaining('no expression') }]);
    const bom = await analyzeNixSource('\ufeff{ a = 1; }\n');
    expect(bom.syntax.errors).toEqual([{ line: 1, col: 1, message: expect.stringContaining('byte-order mark') }]);
    expect(bom.module?.config.map((s) => s.path)).toEqual(['a']);
    expect((await analyzeNixSource('{ a = 1; } # \ufeff')).syntax.errors).toEqual([]);
  });

  it('places the note on a file that is not UTF-8 at its first U+FFFD, line and column', async () => {
    const parser = await loadNixParser();
    const note = (text: string) => notUtf8Note(new SyntaxTree(parser.parseData(text), parser.names));
    expect(note('{\n  a = "caf\ufffd";\n  b = "\ufffd";\n}\n')).toEqual({ line: 2, col: 11, kind: 'not-utf-8', message: expect.stringContaining('U+FFFD') });
    expect(note('\ufffd')).toMatchObject({ line: 1, col: 1 });
    expect(note('\n\n# \ufffd')).toMatchObject({ line: 3, col: 3 });
  });

  it('treats a trailing comma in formals as benign (a known gap of this grammar)', async () => {
    const a = await analyzeNixSource('{\n  config,\n  lib,\n}:\n{ }\n');
    expect(a.syntax.errors).toEqual([]);
    expect(a.syntax.benign).toEqual([expect.objectContaining({ kind: 'trailing-comma-in-formals', line: 3, col: 7 })]);
    expect(a.module?.form).toBe('function');
  });

  it('reports real errors with line, column and message, and keeps reading the rest', async () => {
    const a = await analyzeNixSource('{\n  a = 1;\n  b = ;\n  c = "x";\n}\n');
    expect(a.syntax.errors).toEqual([{ line: 3, col: 7, message: "missing identifier before ';'" }]);
    expect(a.module?.config.map((s) => s.path)).toEqual(['a', 'b', 'c']);
  });

  it('names a missing token in quotes, where the token after it starts, and lists several errors in file order', async () => {
    const a = await analyzeNixSource('{ a = 1;\n  b = 2\n}\n');
    expect(a.syntax.errors).toEqual([{ line: 3, col: 1, message: "missing ';' before '}'" }]);
    const b = await analyzeNixSource('{ a = 1; b = (2; c = 3; }');
    expect(b.syntax.errors).toEqual([{ line: 1, col: 16, message: "missing ')' before ';'" }]);
    const c = await analyzeNixSource('let\n  a = 1\n  b = 2;\nin { x = ; }\n');
    expect(c.syntax.errors).toEqual([
      { line: 3, col: 5, message: "syntax error: unexpected '='" },
      { line: 4, col: 10, message: 'missing identifier before \';\'' },
    ]);
  });

  it('reports unclosed braces and stray tokens', async () => {
    const a = await analyzeNixSource('{ a = 1;\n b = { c = 2;\n}\n');
    expect(a.syntax.errors.length).toBeGreaterThan(0);
    expect(a.syntax.errors[0]).toMatchObject({ line: 1, col: 1 });
    const b = await analyzeNixSource('{ a = 1; } }');
    expect(b.syntax.errors).toEqual([{ line: 1, col: 12, message: "syntax error: unexpected '}'" }]);
  });
});
