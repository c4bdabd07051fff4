import { utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENOME_TREE } from './fixtures/genome.js';
import { introspectCli, observe, sandbox, type Sandbox } from './helpers.js';

// On a large tree with two or more cores, the first parse worker only parses: it sends its trees
// (copied out of WASM memory, tree-dump.ts) to the main thread, which analyses them
// (parse-pool.ts, docs/adr/0021). What that thread makes of a tree parsed elsewhere must be what a
// worker that parses and analyses the same file makes of it.

/** A module with options, config under mkIf, imports and an interpolated '' string. */
function moduleText(i: number): string {
  return `{ config, lib, pkgs, ... }:
let cfg = config.services.gen${i};
in {
  imports = [ ./m${(i + 1) % 150}.nix ];
  options.services.gen${i} = {
    enable = lib.mkEnableOption "generated service ${i}";
    port = lib.mkOption { type = lib.types.port; default = ${1000 + i}; description = "Port é ${i}"; };
  };
  config = lib.mkIf cfg.enable {
    systemd.services.gen${i}.script = ''
      exec \${pkgs.hello}/bin/hello --port \${toString cfg.port}
    '';
    networking.firewall.allowedTCPPorts = [ cfg.port ];
  };
}
`;
}

function largeTree(): Sandbox {
  const tree: Record<string, string> = { ...GENOME_TREE };
  for (let i = 0; i < 150; i++) tree[`gen/m${i}.nix`] = moduleText(i);
  tree['gen/broken.nix'] = '{ a = ; b = [ 1 2 ; }\n';
  tree['gen/trailing.nix'] = '{ a, b, }: { c = a; }\n';
  const s = sandbox(tree);
  writeFileSync(join(s.root, 'gen', 'binary.nix'), Buffer.from([0x7b, 0x00, 0x7d]));
  writeFileSync(join(s.root, 'gen', 'latin1.nix'), Buffer.from('{\n  a = "caf\xe9";\n}\n', 'latin1'));
  return s;
}

const genomeOf = (st: ReturnType<typeof observe>) => ({ ...st.genome, nix_files: st.genome.nix_files.map((f) => ({ ...f, cached: false })), parse_stats: null });

/** The fields of a run's debug trace `msg` (undefined when the run did not trace it). */
function traced(stderr: string, msg: string): Record<string, unknown> | undefined {
  for (const line of stderr.split('\n')) {
    if (line.includes(`"msg":"${msg}"`)) return JSON.parse(line) as Record<string, unknown>;
  }
  return undefined;
}

/** The `analysed here` trace of a run: how many files the main thread analysed that a worker parsed. */
const parsedByWorker = (stderr: string) => traced(stderr, 'analysed here')?.parsed_by_worker;

describe('trees parsed by a worker and analysed by the main thread', () => {
  it('gives the genome that workers parsing and analysing whole files give, errors and all', () => {
    const s = largeTree();
    const cores = availableParallelism();
    // With one core there is no worker; with two or more, the first worker's trees are analysed
    // here. How many is a race: on a machine busy with other tests the worker can start after
    // this thread has parsed all 164 files itself, so a run is repeated (a few times at most)
    // until the worker's trees took part.
    const run = () => introspectCli(s, ['--no-cache'], { AUTOPOIETIC_LOG_LEVEL: 'debug' });
    let split = run();
    for (let attempt = 1; attempt < 4 && cores >= 2 && split.code === 0 && parsedByWorker(split.stderr) === 0; attempt++) split = run();
    expect(split.code, split.stderr).toBe(0);
    if (cores >= 2) expect(parsedByWorker(split.stderr)).toBeGreaterThan(0);
    else expect(parsedByWorker(split.stderr)).toBe(0);
    // The launcher (bin/os-introspect.js) started the first worker before the CLI loaded.
    expect(traced(split.stderr, 'launcher worker')).toMatchObject({ adopted: cores >= 2 });

    const state = split.json() as ReturnType<typeof observe>;
    expect(state.genome.parse_stats).toMatchObject({ files: 164, parsed: 164, syntax_errors: 2 }); // the fixture's own bad file, and gen/broken.nix
    const byPath = new Map(state.genome.nix_files.map((f) => [f.path, f]));
    expect(byPath.get('gen/broken.nix')?.parse.status).toBe('syntax-error');
    expect(byPath.get('gen/trailing.nix')?.parse.status).toBe('ok');
    expect(byPath.get('gen/binary.nix')?.parse.status).toBe('not-text');
    // Not UTF-8, but Nix source: read, with a note that crossed from the worker that read it.
    expect(byPath.get('gen/latin1.nix')?.parse).toMatchObject({ status: 'ok', benign: [{ line: 2, col: 11, kind: 'not-utf-8' }] });
    const m7 = state.genome.modules.find((m) => m.path === 'gen/m7.nix');
    expect(m7?.options.map((o) => o.path)).toEqual(['services.gen7.enable', 'services.gen7.port']);
    expect(m7?.imports.map((i) => i.target)).toEqual(['gen/m8.nix']);

    const whole = genomeOf(observe(s, ['--no-cache', '--jobs', '2']));
    expect(genomeOf(state)).toEqual(whole);
    expect(genomeOf(observe(s, ['--no-cache', '--jobs', '1']))).toEqual(whole);
  });

  it('stops the worker the launcher started when the run will not parse', () => {
    const s = largeTree();
    const past = new Date(Date.now() - 60_000);
    observe(s);
    for (const f of observe(s).genome.nix_files) utimesSync(join(s.root, f.path), past, past);
    observe(s); // the stat index now predates every file
    const warm = introspectCli(s, [], { AUTOPOIETIC_LOG_LEVEL: 'debug' });
    expect(warm.code, warm.stderr).toBe(0);
    expect((warm.json() as ReturnType<typeof observe>).genome.parse_stats).toMatchObject({ parsed: 0, cache_hits: 164 });
    expect(traced(warm.stderr, 'launcher worker')).toEqual(expect.objectContaining({ adopted: false }));
    expect(traced(warm.stderr, 'parsing')).toBeUndefined();
  });
});
