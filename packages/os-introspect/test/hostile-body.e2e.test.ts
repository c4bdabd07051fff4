import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { introspect } from '@autopoietic/os-introspect';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { expectValidSelfState, fakeToolsPath, sandbox, sandboxArgs, type Sandbox } from './helpers.js';

// Hostile host files and tools: each problem is a reason in the self-state, never a crash, a
// hang or unbounded memory, and never wrong data reported as if it were right.
const MINIMAL = { 'flake.nix': '{ outputs = { self }: { }; }\n' };

/** The built CLI on a sandbox, bounded in time (a hang fails the test instead of blocking it). */
function observeBounded(s: Sandbox, args: string[] = [], env: Record<string, string> = {}) {
  const r = runCli('os-introspect', sandboxArgs(s, args), {
    env: { HOME: s.home, ...env },
    timeoutMs: 50_000,
  });
  expect(r.code, r.stderr.slice(0, 2000)).toBe(0);
  return expectValidSelfState(r.json());
}


describe('host settings files', () => {
  it('refuses an identity.json or observation.json that never ends (a link to /dev/zero took 16 GB, then aborted)', () => {
    const s = sandbox(MINIMAL);
    symlinkSync('/dev/zero', join(s.etc, 'identity.json'));
    symlinkSync('/dev/urandom', join(s.etc, 'observation.json'));
    const st = observeBounded(s);
    expect(st.identity).toMatchObject({ source: 'hostname', detail: expect.stringContaining(`${join(s.etc, 'identity.json')} cannot be read (not a regular file (a device, FIFO or socket))`) });
    expect(st.body.observation_config).toEqual({ path: join(s.etc, 'observation.json'), present: true, valid: false, error: 'cannot be read (not a regular file (a device, FIFO or socket))' });
    expect(st.pain_points.find((p) => p.source === 'host-configuration')?.evidence).toEqual([
      `${join(s.etc, 'identity.json')}: cannot be read (not a regular file (a device, FIFO or socket))`,
      `${join(s.etc, 'observation.json')}: cannot be read (not a regular file (a device, FIFO or socket))`,
    ]);
  });

  it('does not wait for a writer when identity.json is a FIFO, and refuses a settings file over 1 MiB', () => {
    const s = sandbox(MINIMAL);
    execFileSync('mkfifo', [join(s.etc, 'identity.json')]);
    execFileSync('truncate', ['-s', '2M', join(s.etc, 'observation.json')]);
    const st = observeBounded(s);
    expect(st.identity.detail).toContain('cannot be read (not a regular file');
    expect(st.body.observation_config.error).toMatch(/^cannot be read \(2097152 bytes or more, over the limit of 1048576\)$/);
  });
});

describe('probe tools', () => {
  it('refuses a probe output beyond the 64 MiB kept, rather than report its head as the whole', () => {
    const s = sandbox(MINIMAL);
    const PATH = fakeToolsPath({ journalctl: "yes '2026-01-01T00:00:00+0000 host unit[1]: a line of the log' | head -c 70000000" });
    const st = observeBounded(s, ['--journal-lines', '3'], { PATH });
    expect(st.body.journal).toEqual({ included: true, available: false, reason: 'journalctl -n: printed 70000000 bytes, more than the 64 MiB a probe may print: not read', entries: [] });
  });

  it.each([
    ['prints no JSON and no table', 'echo "not json at all"'],
    ['prints JSON of another shape', 'echo \'{"unit": "a.service"}\''],
    ['prints rows none of which is a unit', 'echo \'[null, 5, [1], {"unit": 7}]\''],
  ])('says systemd is unavailable when systemctl %s (it was available with no units)', (_label, body) => {
    const st = observeBounded(sandbox(MINIMAL), [], { PATH: fakeToolsPath({ systemctl: body }) });
    expect(st.body.systemd).toEqual({ available: false, reason: expect.stringMatching(/^systemctl list-units: unrecognised output: "/), units: [] });
  });

  it('takes an empty list of units as such, in JSON and in text', () => {
    expect(observeBounded(sandbox(MINIMAL), [], { PATH: fakeToolsPath({ systemctl: 'echo "[]"' }) }).body.systemd).toEqual({ available: true, source: 'json', units: [] });
    const text = fakeToolsPath({ systemctl: 'case "$*" in *json*) echo "[]x";; esac' });
    expect(observeBounded(sandbox(MINIMAL), [], { PATH: text }).body.systemd).toEqual({ available: true, source: 'text', units: [] });
  });
});

describe('installed packages', () => {
  it('names the nix subcommand that failed (it said "nix --extra-experimental-features: ...")', () => {
    const s = sandbox(MINIMAL);
    symlinkSync(join(s.home, 'profile'), join(s.home, '.nix-profile'));
    const PATH = fakeToolsPath({ nix: 'echo "error: cannot connect to the daemon" >&2; exit 1', 'nix-env': 'echo "error: no profile" >&2; exit 1' });
    expect(observeBounded(s, [], { PATH }).body.installed_packages).toEqual({
      available: false,
      reason: 'nix profile list --json: error: cannot connect to the daemon; nix-env -q: error: no profile',
      packages: [],
    });
  });

  it('lists a profile nix profile manages with a Nix before 2.17, which has no --json and whose nix-env refuses it (it was unavailable)', () => {
    const s = sandbox(MINIMAL);
    symlinkSync(join(s.home, 'profile'), join(s.home, '.nix-profile'));
    // What Nix 2.8 prints: the refusal of --json, then its text list; nix-env's refusal of the profile.
    const nix = [
      'case "$*" in',
      `  *--json*) echo "error: unrecognised flag '--json'" >&2; echo "Try 'nix --help' for more information." >&2; exit 1;;`,
      '  *"profile list") echo "0 - - /nix/store/pnbf9sv69wv79ni1k0xk2av21277gpyw-hello-h5-1.0"; echo "1 flake:nixpkgs#legacyPackages.x86_64-linux.jq github:NixOS/nixpkgs/0123#legacyPackages.x86_64-linux.jq /nix/store/7am0qk0wy8mbczirsq6nwilxrnlmsfxm-jq-1.7";;',
      '  *) exit 1;;',
      'esac',
    ].join('\n');
    const nixEnv = `echo "error: profile '${s.home}/profile' is incompatible with 'nix-env'; please use 'nix profile' instead" >&2; exit 1`;
    expect(observeBounded(s, [], { PATH: fakeToolsPath({ nix, 'nix-env': nixEnv }) }).body.installed_packages).toEqual({
      available: true,
      source: 'nix profile list',
      packages: ['hello-h5-1.0', 'jq'],
    });
  });
});

describe('system generations', () => {
  it('passes over a generation number beyond 2^53 (the self-state failed its schema: error[self-state-invalid])', async () => {
    const s = sandbox(MINIMAL);
    const profiles = join(s.home, 'profiles');
    mkdirSync(join(s.home, 'gen'));
    mkdirSync(profiles);
    for (const n of ['99999999999999999999', '9007199254740993', '4']) symlinkSync(join(s.home, 'gen'), join(profiles, `system-${n}-link`));
    const st = expectValidSelfState(await introspect({ root: s.root, memoryDir: s.memory, etcDir: s.etc, home: s.home, profilesDir: profiles, currentSystem: join(profiles, 'system-4-link') }));
    expect(st.body.generations.system_generations).toEqual([{ generation: 4, path: join(profiles, 'system-4-link'), target: join(s.home, 'gen'), dangling: false, current: true }]);
  });

  it('reports a generation whose store path is gone as dangling, with a pain point, in a valid self-state', async () => {
    const s = sandbox(MINIMAL);
    const profiles = join(s.home, 'profiles');
    mkdirSync(join(s.home, 'gen-5'));
    mkdirSync(profiles);
    symlinkSync(join(s.home, 'gen-4-collected'), join(profiles, 'system-4-link'));
    symlinkSync(join(s.home, 'gen-5'), join(profiles, 'system-5-link'));
    const st = expectValidSelfState(await introspect({ root: s.root, memoryDir: s.memory, etcDir: s.etc, home: s.home, profilesDir: profiles, currentSystem: join(profiles, 'system-5-link') }));
    expect(st.body.generations.available).toBe(true);
    expect(st.body.generations.system_generations.map((g) => [g.generation, g.dangling, g.current])).toEqual([
      [4, true, false],
      [5, false, true],
    ]);
    expect(st.pain_points.filter((p) => p.source === 'generations').map((p) => p.evidence)).toEqual([[`${join(profiles, 'system-4-link')} -> ${join(s.home, 'gen-4-collected')} (does not exist)`]]);
  });
});

describe('memory', () => {
  it('reports a ledger that is a symlink loop as broken (it was "missing", as if never written), and refuses a memory dir that is a file, as every command does', () => {
    const s = sandbox(MINIMAL);
    symlinkSync('organs.jsonl', join(s.memory, 'organs.jsonl'));
    symlinkSync(join(s.memory, 'gone.jsonl'), join(s.memory, 'effects.jsonl'));
    const byKind = Object.fromEntries(observeBounded(s).memory.ledgers.map((l) => [l.kind, l]));
    expect(byKind.organs).toMatchObject({ status: 'broken', problems: 1, first_problem: expect.stringContaining('(ELOOP)') });
    expect(byKind.effects).toMatchObject({ exists: false, status: 'missing' });
    expect(byKind.lineage).toMatchObject({ exists: false, status: 'missing' });

    const file = join(s.home, 'memory-file');
    writeFileSync(file, 'not a directory\n');
    // core/ledger/paths.ts: the memory directory is a directory or nothing yet, in every CLI.
    const r = runCli('os-introspect', ['--root', s.root, '--memory-dir', file, '--etc-dir', s.etc], { env: { HOME: s.home } });
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain(`error[memory-dir-not-a-directory]: the memory directory ${file} (--memory-dir) is a file, not a directory`);
  });
});

describe('shell history', () => {
  it('does not wait on a FIFO in place of a history file, and reads zsh history as zsh wrote it', () => {
    const s = sandbox(MINIMAL);
    execFileSync('mkfifo', [join(s.home, '.bash_history')]);
    // `voilà` metafied (à = C3 A0 is stored C3 83 80), then a command over two lines.
    const zsh = [Buffer.from(': 1:0;echo voil'), Buffer.from([0xc3, 0x83, 0x80]), Buffer.from('\n: 2:0;yt-dlp a &&\\\n  yt-dlp b\n')];
    writeFileSync(join(s.home, '.zsh_history'), Buffer.concat(zsh));
    const history = observeBounded(s, ['--include-shell-history']).body.shell_history;
    expect(history).toEqual({
      included: true,
      source: 'flag',
      reason: `cannot read ${join(s.home, '.bash_history')} (not a regular file)`,
      files: [join(s.home, '.zsh_history')],
      entries: ['echo voilà', 'yt-dlp a &&\n  yt-dlp b'],
    });
  });

  it.each(['', 'home'])('never takes the working directory for HOME=%j: its .bash_history is not the user\'s', (home) => {
    const s = sandbox(MINIMAL);
    const cwd = tempDir('aos-introspect-cwd-');
    mkdirSync(join(cwd, 'home'));
    for (const dir of [cwd, join(cwd, 'home')]) writeFileSync(join(dir, '.bash_history'), 'not-this-users-history\n');
    const r = runCli('os-introspect', sandboxArgs(s, ['--include-shell-history']), { cwd, env: { HOME: home }, timeoutMs: 50_000 });
    expect(r.code, r.stderr).toBe(0);
    const history = expectValidSelfState(r.json()).body.shell_history;
    // The password database's home (as with HOME unset), or none: never a path relative to cwd.
    expect(history.entries).not.toContain('not-this-users-history');
    for (const file of history.files ?? []) expect(file.startsWith('/'), file).toBe(true);
    expect(history.reason ?? '').not.toMatch(/ in (home)?$/);
  });
});

describe('flags', () => {
  it.each(['--root', '--memory-dir', '--etc-dir', '--output', '--project-root'])('refuses an empty %s (exit 2) rather than take the working directory', (flag) => {
    const s = sandbox(MINIMAL);
    const cwd = tempDir('aos-introspect-cwd-');
    const r = runCli('os-introspect', sandboxArgs(s, [flag, '']), { cwd, env: { HOME: s.home }, timeoutMs: 50_000 });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error[flag-blank]: ${flag} must not be empty`);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('introspect() as a library', () => {
  it.each([
    [{ shellHistoryLines: 0, includeShellHistory: true }, 'shellHistoryLines must be a whole number of at least 1 (got 0)'],
    [{ journalLines: 1.5 }, 'journalLines must be a whole number of at least 0 (got 1.5)'],
    [{ maxProjectFiles: -5 }, 'maxProjectFiles must be a whole number of at least 1 (got -5)'],
    [{ jobs: 0 }, "jobs must be 'auto' or a whole number of at least 1 (got 0)"],
    [{ memoryDir: '' }, 'memoryDir must be a non-empty path'],
    [{ projectRoots: [''] }, 'projectRoots must be non-empty paths'],
  ])('refuses %j as the CLI refuses its flag (shellHistoryLines: 0 gave the whole history)', async (bad, message) => {
    const s = sandbox(MINIMAL);
    // cwd: a temp dir, so that a regression taking '' for the working directory writes there.
    const run = introspect({ root: s.root, memoryDir: s.memory, etcDir: s.etc, home: s.home, cwd: tempDir('aos-introspect-cwd-'), ...bad });
    await expect(run).rejects.toMatchObject({ code: 'bad-option', exit: 2, message: `introspect(): ${message}` });
  });
});
