import { describe, expect, it } from 'vitest';
import type { NixFileAnalysis } from '@autopoietic/core/nix-syntax';
import type { Confirmation } from './cache.js';
import type { FileResult } from './parse-file.js';
import { nixFileEntry } from './structure.js';

const UNDEFINED = "undefined variable 'd': no let, rec set, function argument or with binds it here";

function result(errors: { line: number; col: number; message: string }[], confirmation: Confirmation): FileResult {
  return {
    rel: 'lib/x.nix',
    bytes: 10,
    sha256: `sha256:${'a'.repeat(64)}`,
    cached: false,
    status: 'syntax-error',
    analysis: { syntax: { errors, benign: [] } } as unknown as NixFileAnalysis,
    confirmation,
  };
}

describe('nixFileEntry: diagnostics by who reports them', () => {
  it("keeps Nix's undefined variable first, and tree-sitter's finding of the same name, as errors", () => {
    const e = nixFileEntry(result([{ line: 3, col: 7, message: UNDEFINED }], { status: 'confirmed', detail: "nix-instantiate --parse: undefined variable 'd'", nix: { line: 3, col: 7, message: "undefined variable 'd'" }, nix_version: '2.8.0' }));
    expect(e.parse.diagnostics.map((d) => [d.location, d.origin, d.message])).toEqual([
      ['lib/x.nix:3:7', 'nix-instantiate', "undefined variable 'd'"],
      ['lib/x.nix:3:7', 'tree-sitter', UNDEFINED],
    ]);
    expect(e.parse.benign).toEqual([]);
  });

  it("moves tree-sitter's grammar errors to benign when Nix's grammar took the file and only a name is wrong", () => {
    const e = nixFileEntry(
      result(
        [{ line: 1, col: 3, message: "unexpected '@'" }],
        { status: 'confirmed', detail: "nix-instantiate --parse: undefined variable 'd'", nix: { line: 3, col: 7, message: "undefined variable 'd'" }, nix_version: '2.8.0' },
      ),
    );
    expect(e.parse.diagnostics.map((d) => [d.location, d.origin])).toEqual([['lib/x.nix:3:7', 'nix-instantiate']]);
    expect(e.parse.benign).toEqual([{ line: 1, col: 3, message: "unexpected '@'", kind: 'tree-sitter-only' }]);
  });

  it('keeps every tree-sitter error when Nix confirms a syntax error', () => {
    const e = nixFileEntry(result([{ line: 1, col: 3, message: "unexpected '@'" }], { status: 'confirmed', detail: 'x', nix: { line: 1, col: 3, message: "syntax error, unexpected '@'" }, nix_version: '2.8.0' }));
    expect(e.parse.diagnostics.map((d) => d.origin)).toEqual(['nix-instantiate', 'tree-sitter']);
    expect(e.parse.benign).toEqual([]);
  });
});
