import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliVia } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { expectValidSelfState, fakeToolsPath, introspectCli, observe, sandbox, sandboxArgs } from './helpers.js';

// Bad input never crashes the observer: each case is a clear per-file status, a skipped entry,
// or (for a root that does not exist) a clear error with exit 1.
const MINIMAL = { 'flake.nix': '{ outputs = { self }: { }; }\n' };

const status = (st: ReturnType<typeof observe>, path: string) => st.genome.nix_files.find((f) => f.path === path)?.parse;
const skipped = (st: ReturnType<typeof observe>) => Object.fromEntries(st.genome.skipped.map((x) => [x.path, x.reason]));


describe('hostile trees', () => {
  it('reports binary junk, FIFOs and oversized files by status, and reads text that is not UTF-8 as Nix does', () => {
    const s = sandbox(MINIMAL);
    writeFileSync(join(s.root, 'junk.nix'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0xff, 0xfe]));
    writeFileSync(join(s.root, 'latin1.nix'), Buffer.from('{ a = "caf\xe9"; }', 'latin1'));
    execFileSync('mkfifo', [join(s.root, 'pipe.nix')]);
    writeFileSync(join(s.root, 'huge.nix'), '');
    truncateSync(join(s.root, 'huge.nix'), 9 * 1024 * 1024);
    mkdirSync(join(s.root, 'dir.nix'));
    writeFileSync(join(s.root, 'dir.nix', 'inner.nix'), '{ }\n');
    const st = observe(s);
    expect(status(st, 'junk.nix')).toMatchObject({ status: 'not-text', reason: expect.stringContaining('NUL') });
    // Nix reads bytes: Latin-1 in a string is fine. The note points at the first byte that is not UTF-8.
    expect(status(st, 'latin1.nix')).toEqual({ status: 'ok', diagnostics: [], benign: [{ line: 1, col: 11, kind: 'not-utf-8', message: expect.stringContaining('U+FFFD') }] });
    expect(st.genome.modules.find((m) => m.path === 'latin1.nix')?.config).toEqual([{ path: 'a', line: 1, conditional: false, literal: 'caf\ufffd' }]);
    expect(status(st, 'pipe.nix')).toMatchObject({ status: 'unreadable', reason: 'not a regular file' });
    expect(status(st, 'huge.nix')).toMatchObject({ status: 'too-large' });
    expect(status(st, 'dir.nix/inner.nix')).toMatchObject({ status: 'ok' });
    expect(st.genome.nix_files.find((f) => f.path === 'junk.nix')?.sha256).toMatch(/^sha256:/);
  });

  it('says that a file or directory name is not valid UTF-8, instead of "cannot stat: ENOENT"', () => {
    const s = sandbox(MINIMAL);
    const latin1 = (name: string) => Buffer.concat([Buffer.from(`${s.root}/`), Buffer.from(name, 'latin1')]);
    writeFileSync(latin1('caf\xe9.nix'), '{ }\n');
    mkdirSync(latin1('r\xe9seau'));
    writeFileSync(Buffer.concat([latin1('r\xe9seau'), Buffer.from('/inner.nix')]), '{ }\n');
    const reasons = skipped(observe(s));
    const why = 'its name is not valid UTF-8 (shown with U+FFFD), so it cannot be opened by name: not read';
    expect(reasons).toMatchObject({ 'caf\uFFFD.nix': why, 'r\uFFFDseau': why });
  });

  it('does not follow symlink loops, dangling links or links out of the root', () => {
    const s = sandbox(MINIMAL);
    symlinkSync('.', join(s.root, 'loop'));
    mkdirSync(join(s.root, 'a'));
    symlinkSync('../a', join(s.root, 'a', 'back'));
    symlinkSync('b.nix', join(s.root, 'a.nix'));
    symlinkSync('a.nix', join(s.root, 'b.nix'));
    symlinkSync('missing.nix', join(s.root, 'dangling.nix'));
    const outside = join(dirname(s.root), 'outside.nix');
    writeFileSync(outside, '{ secret = 1; }\n');
    symlinkSync(outside, join(s.root, 'escape.nix'));
    symlinkSync('flake.nix', join(s.root, 'alias.nix'));
    const st = observe(s);
    const reasons = skipped(st);
    expect(reasons['a.nix']).toContain('does not resolve (ELOOP)');
    expect(reasons['b.nix']).toContain('ELOOP');
    expect(reasons['dangling.nix']).toContain('does not resolve (ENOENT)');
    expect(reasons['escape.nix']).toContain('outside the root');
    expect(st.genome.nix_files.map((f) => f.path)).toEqual(['alias.nix', 'flake.nix']);
    expect(status(st, 'alias.nix')?.status).toBe('ok');
    // The summary says what was not read, instead of only "parse problems: none".
    const summary = introspectCli(s, ['--format', 'summary']).stdout;
    expect(summary).toContain('  parse problems: none\n  not read: 4\n');
    expect(summary).toContain('\n    a.nix: symlink that does not resolve (ELOOP)\n');
    expect(summary).toContain(`\n    escape.nix: symlink to ${outside}, outside the root: not read\n`);
  });

  it('does not read a flake.lock or package.json that never ends or waits for a writer (a link to /dev/zero, a FIFO), nor take `null` for a package.json', () => {
    const s = sandbox({ ...MINIMAL, 'packages/fifo/default.nix': '{ }\n', 'packages/nul/default.nix': '{ }\n', 'packages/nul/package.json': 'null\n', 'pkgs/tool/default.nix': '{ }\n' });
    symlinkSync('/dev/zero', join(s.root, 'flake.lock'));
    symlinkSync('/dev/zero', join(s.root, 'pkgs/tool/package.json'));
    execFileSync('mkfifo', [join(s.root, 'packages/fifo/package.json')]);
    const r = runCli('os-introspect', ['--root', s.root, '--memory-dir', s.memory, '--etc-dir', s.etc], { env: { HOME: s.home }, timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(0);
    const st = expectValidSelfState(r.json());
    expect(st.genome.lock).toEqual({ present: true, version: null, error: 'cannot read flake.lock: not a regular file (a device, FIFO or socket)' });
    // Read as if they had no package.json: packages, by their default.nix.
    expect(st.genome.organs.filter((o) => o.source !== null && /^(packages|pkgs)\//.test(o.source)).map((o) => [o.name, o.type, o.detected_by])).toEqual([
      ['fifo', 'package', 'Nix package in packages/fifo/'],
      ['nul', 'package', 'Nix package in packages/nul/'],
      ['tool', 'package', 'Nix package in pkgs/tool/'],
    ]);
  });

  it('waits for a nix-instantiate that hangs once per worker, not once per file with a syntax error (5 files took 100 s)', () => {
    const s = sandbox({ ...MINIMAL, ...Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`bad${i}.nix`, `{ a = ${i}; b = ; }\n`])) });
    const hangs = fakeToolsPath({ 'nix-instantiate': 'case "$1" in --version) echo "nix-instantiate (Nix) 2.8.0";; *) exec sleep 1000;; esac' });
    const started = Date.now();
    const r = runCli('os-introspect', ['--root', s.root, '--memory-dir', s.memory, '--etc-dir', s.etc, '--jobs', '1'], { env: { HOME: s.home, PATH: hangs }, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(40_000);
    const confirmations = expectValidSelfState(r.json()).genome.nix_files.filter((f) => f.path.startsWith('bad')).map((f) => f.parse.confirmation);
    expect(confirmations.map((c) => c?.status)).toEqual(['unavailable', 'unavailable', 'unavailable', 'unavailable', 'unavailable']);
    expect(confirmations.map((c) => c?.detail).filter((d) => /timed out after \d+ ms$/.test(d ?? ''))).toHaveLength(1);
    expect(confirmations.map((c) => c?.detail).filter((d) => d?.includes('timed out on an earlier file: not asked'))).toHaveLength(4);
  }, 70_000);

  it('does not cache an unavailable confirmation: once Nix answers, the next run asks it', () => {
    const s = sandbox({ ...MINIMAL, 'bad.nix': '{ a = ; }\n' });
    const crashes = fakeToolsPath({ 'nix-instantiate': 'case "$1" in --version) echo "nix-instantiate (Nix) 2.8.0";; *) kill -KILL $$;; esac' });
    const bad = (env: Record<string, string>) => {
      const r = runCli('os-introspect', ['--root', s.root, '--memory-dir', s.memory, '--etc-dir', s.etc], { env: { HOME: s.home, ...env }, timeoutMs: 50_000 });
      expect(r.code, r.stderr).toBe(0);
      return expectValidSelfState(r.json()).genome.nix_files.find((f) => f.path === 'bad.nix')!.parse;
    };
    expect(bad({ PATH: crashes }).confirmation?.status).toBe('unavailable');
    const past = new Date(Date.now() - 60_000);
    for (const f of ['flake.nix', 'bad.nix']) utimesSync(join(s.root, f), past, past);
    expect(bad({ PATH: crashes }).confirmation?.status).toBe('unavailable');
    expect(bad({}).confirmation).toMatchObject({ status: 'confirmed', tool: 'nix-instantiate --parse' });
    expect(bad({}).confirmation).toMatchObject({ status: 'confirmed' });
  });

  it('reports a file it may not read (run as an unprivileged user when root)', () => {
    const s = sandbox(MINIMAL);
    writeFileSync(join(s.root, 'secret.nix'), '{ }\n');
    chmodSync(join(s.root, 'secret.nix'), 0o000);
    for (const d of [dirname(s.root), s.root, s.etc, s.home]) chmodSync(d, 0o755);
    const args = ['--root', s.root, '--etc-dir', s.etc, '--memory-dir', join(s.root, 'no-memory'), '--no-cache'];
    const r = process.getuid?.() === 0
      ? runAsNobody(args)
      : runCli('os-introspect', args);
    expect(r.code, r.stderr).toBe(0);
    const st = expectValidSelfState(r.json());
    expect(status(st, 'secret.nix')).toMatchObject({ status: 'unreadable', reason: expect.stringContaining('EACCES') });
  });

  it('escapes terminal control characters of a path quoted in an error (ESC [2J would clear the screen)', () => {
    const evil = join(tempDir(), 'no\u001b[2Jsuch\u202edir');
    const r = runCli('os-introspect', ['--root', evil]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error[root-not-found]: genome root ${evil.replace('\u001b', '\\u001b').replace('\u202e', '\\u202e')} does not exist (ENOENT)`);
    expect(r.stderr).not.toMatch(/[\u001b\u202e]/);
  });

  it('fails clearly, with exit 1 and a hint, when the root does not exist or is a file', () => {
    const base = tempDir();
    const missing = runCli('os-introspect', ['--root', join(base, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(
      `error[root-not-found]: genome root ${join(base, 'nope')} does not exist (ENOENT)\n` +
        'hint: Check the --root path, or run os-introspect inside the genome (the directory that holds flake.nix).\n',
    );
    writeFileSync(join(base, 'file'), '');
    const file = runCli('os-introspect', ['--root', join(base, 'file')]);
    expect([file.code, file.stderr.split('\n')[0]]).toEqual([1, `error[root-not-directory]: genome root ${join(base, 'file')} is not a directory`]);
    // A file on the way: named, not called missing.
    const under = runCli('os-introspect', ['--root', join(base, 'file', 'genome')]);
    expect([under.code, under.stdout, under.stderr.split('\n')[0]]).toEqual([1, '', `error[root-not-found]: genome root ${join(base, 'file', 'genome')} does not exist: ${join(base, 'file')}, on its path, is not a directory (ENOTDIR)`]);
  });

  it('says a symbolic link loop on the root\'s path is one, not that the root does not exist', () => {
    const base = tempDir();
    symlinkSync(join(base, 'b'), join(base, 'a'));
    symlinkSync(join(base, 'a'), join(base, 'b'));
    const r = runCli('os-introspect', ['--root', join(base, 'a', 'genome')]);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr.split('\n')).toEqual([
      `error[root-unreadable]: genome root ${join(base, 'a', 'genome')} cannot be resolved: symbolic links on its path lead back to themselves (ELOOP)`,
      'hint: Point --root at the directory itself, or fix the symbolic link that loops (ls -l each part of the path).',
      '',
    ]);
  });

  it('says when this user may not search a directory above the root (run as an unprivileged user when root)', () => {
    const base = tempDir();
    mkdirSync(join(base, 'locked', 'genome'), { recursive: true });
    chmodSync(base, 0o755);
    chmodSync(join(base, 'locked'), 0o000);
    const root = join(base, 'locked', 'genome');
    let r: ReturnType<typeof runAsNobody>;
    try {
      r = process.getuid?.() === 0 ? runAsNobody(['--root', root]) : runCli('os-introspect', ['--root', root]);
    } finally {
      chmodSync(join(base, 'locked'), 0o755); // so that the temporary directory can be removed
    }
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toContain(`error[root-unreadable]: genome root ${root} cannot be reached: this user may not search a directory on its path (EACCES)\n`);
    expect(r.stderr).toContain('hint: Run os-introspect as a user that may read the genome');
  });

  it('fails clearly and at once when the --output directory cannot be made (under /proc)', () => {
    const s = sandbox(MINIMAL);
    // Node's own recursive mkdir never returns here; the run must fail within the timeout.
    const r = runCli('os-introspect', ['--root', s.root, '--etc-dir', s.etc, '--memory-dir', s.memory, '--output', '/proc/aos-no-such-dir/state.json'], { timeoutMs: 60_000 });
    // Refused up front now, as on a file system that holds no regular file (output-pseudo-fs.e2e).
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain('error[output-on-pseudo-fs]: --output /proc/aos-no-such-dir/state.json is on proc (/proc)');
    expect(r.stderr).toContain('hint: ');
  });

  it('still observes, and says why nothing was cached, when the cache directory cannot be made', () => {
    const s = sandbox(MINIMAL);
    writeFileSync(join(s.memory, 'cache'), 'a file where the cache directory would go\n');
    const r = runCli('os-introspect', ['--root', s.root, '--etc-dir', s.etc, '--memory-dir', s.memory], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const cache = expectValidSelfState(r.json()).genome.parse_stats.cache;
    expect(cache).toEqual({ enabled: false, dir: null, reason: expect.stringMatching(/^cannot create directory .*\/cache\/introspect\/\S+: a parent of \S+ is not a directory \(ENOTDIR\)$/) });
  });

  it('caps the parse workers of a huge --jobs at what the machine can run (it started 100000 and ran out of memory)', () => {
    const tree: Record<string, string> = { ...MINIMAL };
    for (let i = 0; i < 40; i++) tree[`m/${i}.nix`] = `{ x${i} = ${i}; }\n`;
    const s = sandbox(tree);
    const r = introspectCli(s, ['--no-cache', '--jobs', '100000'], { AUTOPOIETIC_LOG_LEVEL: 'warn' });
    expect(r.code, r.stderr.slice(0, 500)).toBe(0);
    const stats = expectValidSelfState(r.json()).genome.parse_stats;
    expect(stats.workers).toBeLessThanOrEqual(4 * availableParallelism());
    expect(stats.parsed).toBe(41);
    expect(r.stderr).toContain('--jobs 100000');
  });

  it('degrades every probe when no tool is installed (empty PATH), and still exits 0', () => {
    const s = sandbox({ ...MINIMAL, 'bad.nix': '{ a = ; }\n' });
    symlinkSync('/nonexistent/profile', join(s.home, '.nix-profile')); // a user profile, so the package probe runs
    const st = observe(s, ['--journal-lines', '5'], { PATH: '/nonexistent' });
    expect(st.body.systemd).toMatchObject({ available: false, reason: expect.stringContaining('systemctl'), units: [] });
    expect(st.body.installed_packages).toMatchObject({ available: false, reason: expect.stringContaining('nix-env'), packages: [] });
    expect(st.body.journal).toMatchObject({ included: true, available: false, reason: expect.stringContaining('journalctl') });
    expect(status(st, 'bad.nix')).toMatchObject({
      status: 'syntax-error',
      confirmation: { status: 'unavailable', tool: 'nix-instantiate --parse', detail: expect.stringContaining('not installed') },
      diagnostics: [{ location: 'bad.nix:1:7', line: 1, col: 7, message: "missing identifier before ';'", origin: 'tree-sitter' }],
    });
  });

  it.each([
    ['a small tree, parsed in the main thread', 3],
    ['a large tree, parsed by workers started before the walk', 200],
  ])('fails with a clear error, and no hang, when the grammar cannot be loaded: %s', (_label, files) => {
    const tree: Record<string, string> = { ...MINIMAL };
    for (let i = 0; i < files; i++) tree[`m/${i}.nix`] = `{ x${i} = ${i}; }\n`;
    const s = sandbox(tree);
    const r = introspectCli(s, [], { AUTOPOIETIC_NIX_GRAMMAR: join(s.root, 'no-such-grammar.wasm') });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error[nix-parser-unavailable]: cannot load the tree-sitter Nix grammar');
    expect(r.stderr).toContain('AUTOPOIETIC_NIX_GRAMMAR');
  });

  // Each parsing thread's WebAssembly memory reserves about 10 GiB of address space for V8's
  // trap-handler bounds checks; 3 GB leaves room for Node itself but not for that.
  const LIMITED = ['sh', '-c', 'ulimit -v 3000000 && exec "$@"', 'sh'];

  it('parses under an address-space limit (ulimit -v) when run as an executable, in both threads', () => {
    const s = sandbox({ ...MINIMAL, 'modules/a.nix': '{ lib, ... }: { options.a.enable = lib.mkEnableOption "a"; }\n' });
    const r = runCliVia(LIMITED, 'os-introspect', sandboxArgs(s, ['--jobs', '2']), { env: { HOME: s.home }, asExecutable: true });
    expect(r.code, r.stderr).toBe(0);
    const st = expectValidSelfState(r.json());
    expect(st.genome.nix_files.map((f) => [f.path, f.parse.status])).toEqual([
      ['flake.nix', 'ok'],
      ['modules/a.nix', 'ok'],
    ]);
    expect(st.genome.modules.find((m) => m.path === 'modules/a.nix')?.options.map((o) => o.path)).toEqual(['a.enable']);
  });

  it('names the address-space limit and the way round it, not a reinstall, when started as `node <bin>` under it', () => {
    // `node <bin>` skips the bin's shell start-up, which adds --disable-wasm-trap-handler.
    // The hint used to say "reinstall".
    const s = sandbox(MINIMAL);
    const r = runCliVia(LIMITED, 'os-introspect', sandboxArgs(s), { env: { HOME: s.home } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('error[nix-parser-unavailable]: cannot load the tree-sitter Nix grammar');
    expect(r.stderr).toContain('hint: WebAssembly could not reserve its memory (ulimit -v is 3000000 KiB).');
    expect(r.stderr).toContain('start Node with --disable-wasm-trap-handler');
    expect(r.stderr).not.toContain('Reinstall');
  });
});

/** The built CLI as uid/gid 65534 (nobody), so that file permissions apply to it. */
function runAsNobody(args: string[]) {
  const bin = join(dirname(new URL(import.meta.url).pathname), '..', 'bin', 'os-introspect.js');
  try {
    const stdout = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', AUTOPOIETIC_LOG_LEVEL: 'warn', NIX_CONFIG: 'substituters =' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr: '', json: () => JSON.parse(stdout) };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { code: err.status ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '', json: () => JSON.parse(err.stdout ?? '') };
  }
}
