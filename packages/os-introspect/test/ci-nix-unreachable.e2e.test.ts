import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SelfState } from '@autopoietic/core/schemas';
import { TEST_NIX_CONFIG } from '../../../tests/support/nix-env.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { observe, sandbox } from './helpers.js';

/**
 * A CI user outside nix-users gets "error: getting status of /nix/var/nix/daemon-socket/socket:
 * Permission denied" from every Nix 2.8 call, nix-instantiate --parse included. That error was
 * taken for Nix's verdict on the file: a file Nix parses (tree-sitter's grammar gap) was reported
 * as a syntax error at 1:1 with the daemon's message, and cached with its content, so a later run
 * with a working Nix still reported it. The same kind of host error is made here with the real
 * nix-instantiate: a plugin it cannot load (a nix-plugins built for another Nix does the same),
 * which fails every evaluation, --parse included, but not --version, in Nix 2.8, 2.26 and 2.34.
 * (A NIX_STATE_DIR it cannot create does it too under Nix 2.8; a wrapper that fixes the state
 * directory, as scripts/with-nix.sh does, hides that one.)
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
    const plugin = join(tempDir('aos-nix-plugin-'), 'not-a-plugin.so');
    writeFileSync(plugin, 'not an ELF file\n');
    const broken = observe(s, [], { NIX_CONFIG: `${TEST_NIX_CONFIG}\nplugin-files = ${plugin}` });
    for (const path of ['gap.nix', 'bad.nix']) {
      const parse = parseOf(broken, path)!;
      expect(parse.status, path).toBe('syntax-error');
      expect(parse.confirmation).toEqual({
        status: 'unavailable',
        tool: 'nix-instantiate --parse',
        detail: expect.stringMatching(/^nix-instantiate --parse failed without placing an error in the file, so it gave no verdict on it \(it said: could not dynamically open plugin file .*not-a-plugin\.so.*\)$/),
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
