import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SelfState } from '@autopoietic/core/schemas';
import { tempDir } from '../../../tests/support/tmp.js';
import { observe, sandbox } from './helpers.js';

/**
 * A CI user outside nix-users gets "error: getting status of /nix/var/nix/daemon-socket/socket:
 * Permission denied" from every Nix 2.8 call, nix-instantiate --parse included. That error was
 * taken for Nix's verdict on the file: a file Nix parses (tree-sitter's grammar gap) was reported
 * as a syntax error at 1:1 with the daemon's message, and cached with its content, so a later run
 * with a working Nix still reported it. The same kind of host error is made here with the real
 * nix-instantiate: a NIX_STATE_DIR it cannot create.
 */
const TREE = {
  'flake.nix': '{ outputs = _: { }; }\n',
  // Nix accepts a default in formals followed by a trailing comma; tree-sitter-nix does not.
  'gap.nix': '{ pkgs }:\nname:\n{\n  uefi ? false,\n}:\n{ inherit uefi; }\n',
  'bad.nix': '{\n  a = 1;\n  b = ;\n}\n',
};

function parseOf(state: SelfState, path: string) {
  return state.genome.nix_files.find((f) => f.path === path)?.parse;
}

describe('os-introspect when nix-instantiate fails for a reason that is not the file', () => {
  it('gives no verdict (tree-sitter alone), caches none, and a run with a working Nix gets the real one', () => {
    const s = sandbox(TREE);
    const file = join(tempDir('aos-nix-state-'), 'a-file');
    writeFileSync(file, 'x');
    const broken = observe(s, [], { NIX_STATE_DIR: join(file, 'state') });
    for (const path of ['gap.nix', 'bad.nix']) {
      const parse = parseOf(broken, path)!;
      expect(parse.status, path).toBe('syntax-error');
      expect(parse.confirmation).toEqual({
        status: 'unavailable',
        tool: 'nix-instantiate --parse',
        detail: `nix-instantiate --parse failed without placing an error in the file, so it gave no verdict on it (it said: '${file}' is not a directory)`,
      });
      expect(parse.diagnostics.map((d) => d.origin)).toEqual(['tree-sitter']);
    }

    const working = observe(s);
    // Only flake.nix came from the cache: the two files Nix gave no verdict on were asked again.
    expect(working.genome.parse_stats).toMatchObject({ files: 3, cache_hits: 1, syntax_errors: 1 });
    expect(parseOf(working, 'gap.nix')).toMatchObject({ status: 'ok', confirmation: { status: 'not-confirmed' } });
    expect(parseOf(working, 'bad.nix')).toMatchObject({ status: 'syntax-error', confirmation: { status: 'confirmed' } });
    expect(parseOf(working, 'bad.nix')?.diagnostics[0]).toEqual({ location: 'bad.nix:3:7', line: 3, col: 7, message: "syntax error, unexpected ';'", origin: 'nix-instantiate' });
  });
});
