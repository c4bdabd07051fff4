import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';
import { expectValidSelfState, introspectCli, observe, sandbox, sandboxArgs } from './helpers.js';

// The parse cache under <memory dir>/cache/introspect: keyed by content digest, with a stat
// index so that unchanged files are not even re-read.
const parsedFiles = (state: ReturnType<typeof observe>) => state.genome.nix_files.filter((f) => !f.cached).map((f) => f.path);

/** Backdates every file so that the stat index trusts them (files changed during a run are re-read). */
function settle(root: string, rels: string[]): void {
  const past = new Date(Date.now() - 60_000);
  for (const rel of rels) utimesSync(join(root, rel), past, past);
}

/** The memo's first line (after its checksum) lists the byte length of each stored genome property; they fill the rest exactly. */
function memoAddsUp(data: Buffer): boolean {
  const cut = data.indexOf(10);
  const first = data.subarray(0, cut).toString('utf8');
  const head = JSON.parse(first.slice(first.indexOf(' ') + 1)) as { layout: [string, number | null][] };
  return head.layout.reduce((n, [, len]) => n + (len ?? 0), 0) === data.length - cut - 1;
}

/** A sandbox observed until its genome memo is written: the first self-state, and the memo's path. */
function memoised() {
  const s = sandbox();
  const first = observe(s);
  settle(s.root, first.genome.nix_files.map((f) => f.path));
  observe(s);
  const roots = join(s.memory, 'cache', 'introspect', readdirSync(join(s.memory, 'cache', 'introspect'))[0]!, 'roots');
  return { s, first, memo: join(roots, readdirSync(roots).find((f) => f.endsWith('.genome.json'))!) };
}

describe('the parse cache', () => {
  it('serves an unchanged tree from the cache, and re-parses only the changed file', () => {
    const s = sandbox();
    const files = observe(s).genome.nix_files.map((f) => f.path);
    settle(s.root, files);
    const unchanged = observe(s, ['--jobs', '2']);
    expect(unchanged.genome.parse_stats).toMatchObject({ cache_hits: 10, parsed: 0 });
    expect(existsSync(join(s.memory, 'cache', 'introspect'))).toBe(true);

    writeFileSync(join(s.root, 'hosts/beta.nix'), '{ ... }: { networking.hostName = "beta-2"; }\n');
    const changed = observe(s);
    expect(parsedFiles(changed)).toEqual(['hosts/beta.nix']);
    expect(changed.genome.parse_stats).toMatchObject({ parsed: 1, cache_hits: 9 });
    expect(changed.genome.modules.find((m) => m.path === 'hosts/beta.nix')?.config).toEqual([{ path: 'networking.hostName', line: 1, conditional: false, literal: 'beta-2' }]);
  });

  it('gives the same genome with and without the cache, in one thread or in workers', () => {
    const s = sandbox();
    const strip = (st: ReturnType<typeof observe>) => ({ ...st.genome, nix_files: st.genome.nix_files.map((f) => ({ ...f, cached: false })), parse_stats: null });
    const fresh = strip(observe(s, ['--no-cache', '--jobs', '1']));
    expect(strip(observe(s, ['--jobs', '2']))).toEqual(fresh);
    expect(strip(observe(s, ['--jobs', '2']))).toEqual(fresh);
    expect(strip(observe(s, ['--jobs', '1']))).toEqual(fresh);
  });

  it('recomputes everything when the cache files are damaged, instead of trusting them', () => {
    const s = sandbox();
    observe(s);
    const dir = join(s.memory, 'cache', 'introspect');
    const roots = join(dir, readdirSync(dir)[0]!, 'roots');
    expect(readdirSync(roots).map((f) => f.replace(/^[0-9a-f]+\./, '')).sort()).toEqual(['genome.json', 'index.json', 'objects.jsonl']);
    for (const f of readdirSync(roots)) writeFileSync(join(roots, f), '{"format":3,"root":');
    const again = observe(s);
    expect(again.genome.parse_stats).toMatchObject({ cache_hits: 0, parsed: 10 });
    expect(again.genome.nix_files.find((f) => f.path === 'flake.nix')?.parse.status).toBe('ok');
  });

  it.each(['index.json', 'genome.json', 'objects.jsonl'])('does not read a cache %s that is a link to /dev/zero or a FIFO: it recomputes, in bounded time', (suffix) => {
    const s = sandbox();
    settle(s.root, observe(s).genome.nix_files.map((f) => f.path));
    observe(s); // the memo too
    const dir = join(s.memory, 'cache', 'introspect');
    const roots = join(dir, readdirSync(dir)[0]!, 'roots');
    const file = join(roots, readdirSync(roots).find((f) => f.endsWith(`.${suffix}`))!);
    for (const make of [() => symlinkSync('/dev/zero', file), () => execFileSync('mkfifo', [file])]) {
      rmSync(file);
      make();
      const r = runCli('os-introspect', sandboxArgs(s), { env: { HOME: s.home }, timeoutMs: 20_000 });
      expect(r.code, r.stderr).toBe(0);
      const st = expectValidSelfState(r.json());
      expect(st.genome.nix_files.find((f) => f.path === 'flake.nix')?.parse.status).toBe('ok');
    }
  });

  it('parses a file again when its cached analysis is damaged', () => {
    const s = sandbox();
    const first = observe(s);
    const dir = join(s.memory, 'cache', 'introspect');
    const roots = join(dir, readdirSync(dir)[0]!, 'roots');
    const pack = join(roots, readdirSync(roots).find((f) => f.endsWith('.objects.jsonl'))!);
    const flakeDigest = first.genome.nix_files.find((f) => f.path === 'flake.nix')!.sha256!.slice(7);
    const damaged = readFileSync(pack, 'utf8').split('\n').map((l) => (l.startsWith(flakeDigest) ? `${flakeDigest} {"kind":` : l));
    writeFileSync(pack, damaged.join('\n'));
    for (const f of readdirSync(roots).filter((f) => f.endsWith('.genome.json'))) writeFileSync(join(roots, f), '{}');
    const again = observe(s);
    expect(again.genome.nix_files.filter((f) => !f.cached).map((f) => f.path)).toEqual(['flake.nix']);
    expect(again.genome.outputs).toEqual(first.genome.outputs);
  });

  it('parses a file again when its cached analysis was altered but still parses as JSON', () => {
    const s = sandbox();
    const first = observe(s);
    const roots = join(s.memory, 'cache', 'introspect', readdirSync(join(s.memory, 'cache', 'introspect'))[0]!, 'roots');
    const pack = join(roots, readdirSync(roots).find((f) => f.endsWith('.objects.jsonl'))!);
    const flakeDigest = first.genome.nix_files.find((f) => f.path === 'flake.nix')!.sha256!.slice(7);
    // The line keeps its digest (and whatever else precedes the JSON); the analysis is replaced.
    const altered = readFileSync(pack, 'utf8').split('\n').map((l) => (l.startsWith(flakeDigest) ? `${l.slice(0, l.indexOf('{'))}{"kind":"nix"}` : l));
    writeFileSync(pack, altered.join('\n'));
    for (const f of readdirSync(roots).filter((f) => f.endsWith('.genome.json'))) writeFileSync(join(roots, f), '{}');
    const again = observe(s);
    expect(again.genome.nix_files.filter((f) => !f.cached).map((f) => f.path)).toEqual(['flake.nix']);
    expect(again.genome.outputs).toEqual(first.genome.outputs);
    expect(again.identity).toEqual(first.identity);
  });

  it('reuses the assembled genome when nothing changed, and reassembles after a change', () => {
    const s = sandbox();
    const first = observe(s);
    settle(s.root, first.genome.nix_files.map((f) => f.path));
    observe(s);
    const reused = observe(s);
    const strip = (st: ReturnType<typeof observe>) => ({ ...st.genome, nix_files: st.genome.nix_files.map((f) => ({ ...f, cached: false })), parse_stats: null });
    expect(strip(reused)).toEqual(strip(first));
    writeFileSync(join(s.root, 'flake.lock'), '{"version": 7, "root": "root", "nodes": {"root": {}}}');
    const relocked = observe(s);
    expect(relocked.genome.inputs).toEqual([]);
    expect(relocked.pain_points.find((p) => p.signal === 'flake inputs declared but not locked')?.evidence).toEqual([
      'inputs.nixpkgs is in flake.nix but not in flake.lock',
      'inputs.home-manager is in flake.nix but not in flake.lock',
    ]);
  });

  it('prints a reused genome byte for byte as JSON.stringify(state, null, 2), with this run\'s cached flags and stats', () => {
    const s = sandbox();
    const first = introspectCli(s);
    settle(s.root, observe(s).genome.nix_files.map((f) => f.path));
    introspectCli(s);
    const reused = introspectCli(s);
    for (const r of [first, reused]) expect(r.stdout).toBe(`${JSON.stringify(expectValidSelfState(r.json()), null, 2)}\n`);
    expect(reused.json().genome.parse_stats).toMatchObject({ cache_hits: 10, parsed: 0 });
    expect(reused.json().genome.nix_files.every((f: { cached: boolean }) => f.cached)).toBe(true);
    const out = join(s.memory, 'self-state.json');
    expect(introspectCli(s, ['--output', out]).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`${JSON.stringify(JSON.parse(readFileSync(out, 'utf8')), null, 2)}\n`);
  });

  it('reassembles the genome when its memo does not add up (torn or edited), instead of printing it', () => {
    const { s, first, memo } = memoised();
    const whole = readFileSync(memo);
    expect(memoAddsUp(whole)).toBe(true);
    writeFileSync(memo, whole.subarray(0, -10));
    const again = introspectCli(s);
    expect(again.code, again.stderr).toBe(0);
    const st = expectValidSelfState(again.json());
    expect(st.genome.modules).toEqual(first.genome.modules);
    expect(memoAddsUp(readFileSync(memo)), 'the memo was written again, whole').toBe(true);
  });

  it('reassembles the genome when its memo was damaged in place (same length), instead of printing broken JSON', () => {
    const { s, first, memo } = memoised();
    const whole = readFileSync(memo);
    // A block of zeros where stored text was (as a crash can leave in a file whose size was already written).
    const at = whole.indexOf('"description"', whole.indexOf(10));
    whole.fill(0, at, at + 16);
    writeFileSync(memo, whole);
    expect(memoAddsUp(whole)).toBe(true);
    const again = introspectCli(s);
    expect(again.code, again.stderr).toBe(0);
    const st = expectValidSelfState(again.json());
    expect(st.genome.description).toBe(first.genome.description);
    expect(st.genome.modules).toEqual(first.genome.modules);
  });

  it('removes the cache another analysis version left, once unused for a month, and keeps its own', () => {
    const s = sandbox();
    observe(s);
    const parent = join(s.memory, 'cache', 'introspect');
    const [own] = readdirSync(parent);
    const old = join(parent, 'v4.1-0123456789ab');
    mkdirSync(join(old, 'roots'), { recursive: true });
    writeFileSync(join(old, 'roots', `${'0'.repeat(24)}.index.json`), '{}');
    const then = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000);
    for (const p of [join(old, 'roots', `${'0'.repeat(24)}.index.json`), join(old, 'roots'), old]) utimesSync(p, then, then);
    expect(observe(s).genome.parse_stats.cache_hits).toBe(10);
    expect(readdirSync(parent)).toEqual([own]);
  });

  it('runs without a cache when the memory directory does not exist, and says why', () => {
    const s = sandbox();
    const st = observe(s, ['--memory-dir', join(s.memory, 'absent')]);
    expect(st.genome.parse_stats.cache).toEqual({ enabled: false, dir: null, reason: expect.stringContaining('does not exist') });
    expect(existsSync(join(s.memory, 'absent'))).toBe(false);
  });
});
