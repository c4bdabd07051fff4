import { describe, expect, it } from 'vitest';
import { generatedNixFiles, repositoryNixFiles } from '../../../../tests/support/nix-corpus.js';
import { nixParseVerdict as nixVerdict } from '../../../../tests/support/nix-env.js';
import { analyzeNixSource } from './analyze.js';
import { nixOnlyErrors } from './nix-only-errors.js';
import { loadNixParser } from './parser.js';
import { SyntaxTree } from './syntax-tree.js';

// Each source is closed (every name it uses is bound), so that `nix-instantiate --parse`, which
// also resolves names, judges only its syntax.
const REJECTED: [source: string, line: number, col: number, message: string][] = [
  ['9223372036854775808', 1, 1, "invalid integer '9223372036854775808'"],
  ['-9223372036854775808', 1, 2, "invalid integer '9223372036854775808'"],
  ['{\n  big = 99999999999999999999;\n}', 2, 9, "invalid integer '99999999999999999999'"],
  ['1.0e309', 1, 1, "invalid float '1.0e309'"],
  ['[ 1.0e-310 ]', 1, 3, "invalid float '1.0e-310'"],
  ['./foo/', 1, 1, 'path has a trailing slash'],
  ['~/foo/', 1, 1, 'path has a trailing slash'],
  ['{ a = ./x/; }', 1, 7, 'path has a trailing slash'],
  ['let b = "x"; in ./a/${b}/', 1, 17, 'path has a trailing slash'],
  ['"${./foo/}"', 1, 4, 'path has a trailing slash'],
  ['./a//b', 1, 1, 'a path cannot hold `//`'],
  ['let a = or; in 2', 1, 9, '`or` is a keyword'],
  ['[ or ]', 1, 3, '`or` is a keyword'],
  ['let or = 1; in or', 1, 16, '`or` is a keyword'],
  ['let or = 1; in (or)', 1, 17, '`or` is a keyword'],
  ['let or = 1; f = x: y: x; in f or or', 1, 34, '`or` is a keyword'],
  ['or: 1', 1, 1, 'cannot name a function argument'],
  ['{ or, ... }: 1', 1, 3, 'cannot name a function argument'],
];

const ACCEPTED = [
  '9223372036854775807',
  '-9223372036854775807',
  '0000000000000000000001',
  '[ 1.0e-307 0.0e-400 1.5e300 ]',
  '{ s = "./a/ b/ 12345678901234567890 1.0e999"; }',
  '# ./a/b/ 12345678901234567890 or\n1',
  '/* ./x/ */ 1',
  '{ a = 1; }//{ b = 2; }',
  'let a = 4; in a/ 2',
  'x:/y/',
  'let b = "x"; in [ ./a/b ./a/${b} ./a/${b}/c ]',
  'let or = 1; f = x: x; in f or',
  'let or = 1; f = x: y: x; in f or 2',
  'let or = 1; f = x: y: x; in f 1 or',
  'let or = 1; f = x: y: x; in f (1) or',
  'let x = { y = 1; }; in x.y or 2',
  'let x = { y = 1; }; in x.y or x.y or 3',
  '{ or = 1; a.or = 2; }',
  'rec { or = 1; b = 2; }',
  'let or = 1; in { inherit or; }',
  "let foo-or = 1; or' = 2; x12345678901234567890 = 3; in [ foo-or or' x12345678901234567890 ]",
];

describe('what Nix rejects and the grammar accepts', () => {
  it.each(REJECTED)('reports %j as a syntax error at %i:%i', async (source, line, col, message) => {
    const a = await analyzeNixSource(source);
    expect(a.syntax.errors).toEqual([{ line, col, message: expect.stringContaining(message) }]);
  });

  it.each(ACCEPTED)('reports nothing for %j', async (source) => {
    expect((await analyzeNixSource(source)).syntax).toEqual({ errors: [], benign: [] });
  });

  it('agrees with nix-instantiate --parse on every case', () => {
    const disagreements = [
      ...REJECTED.filter(([source]) => nixVerdict(source) === null).map(([source]) => `Nix accepts ${JSON.stringify(source)}`),
      ...ACCEPTED.flatMap((source) => {
        const verdict = nixVerdict(source);
        return verdict === null ? [] : [`Nix rejects ${JSON.stringify(source)}: ${verdict}`];
      }),
    ];
    expect(disagreements).toEqual([]);
  });

  it('finds the same in a tree whose dump listed the nodes to look at as in one it searches whole', async () => {
    const parser = await loadNixParser();
    expect(parser.directDump).toBe(true);
    const sources = [...REJECTED.map(([source]) => source), ...ACCEPTED, ...repositoryNixFiles().map((f) => f.text), ...generatedNixFiles(120).map((f) => f.text)];
    let found = 0;
    for (const source of sources) {
      const data = parser.parseData(source);
      expect(data.suspects).toBeDefined();
      const listed = nixOnlyErrors(new SyntaxTree(data, parser.names).rootNode);
      expect(listed, source).toEqual(nixOnlyErrors(new SyntaxTree({ ...data, suspects: undefined }, parser.names).rootNode));
      found += listed.length;
    }
    expect(found).toBe(REJECTED.length);
  });

  it('lists at most 20 of them, the first in the file, clean tree or not', async () => {
    const paths = Array.from({ length: 25 }, (_, i) => `  p${i} = ./d${i}/;`);
    for (const extra of [[], ['  broken = ;']]) {
      const errors = (await analyzeNixSource(['{', ...extra, ...paths, '}'].join('\n'))).syntax.errors;
      expect(errors).toHaveLength(20);
      expect(errors[errors.length - 1]!.line).toBe(21);
    }
  });

  it('keeps the errors of the tree with these, in file order, and reads the module all the same', async () => {
    const a = await analyzeNixSource('{\n  a = ./x/;\n  b = ;\n  c = 9223372036854775808;\n}\n');
    expect(a.syntax.errors.map((e) => [e.line, e.col, e.message.split(':')[0]])).toEqual([
      [2, 7, 'path has a trailing slash'],
      [3, 7, "missing identifier before ';'"],
      [4, 7, "invalid integer '9223372036854775808'"],
    ]);
    expect(a.module?.config.map((s) => s.path)).toEqual(['a', 'b', 'c']);
  });
});
