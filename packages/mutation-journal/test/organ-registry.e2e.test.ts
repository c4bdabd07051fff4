import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { journal, snapshot } from './organ-fixtures.js';

const ADD = ['add', '--name', 'nix-fmt', '--type', 'cli', '--source', 'pkgs/nix-fmt', '--purpose', 'format nix files'];
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('organ add and list (reference P4 tests)', () => {
  it('appends a registry record, returns it and reads it back the same', () => {
    const mem = tempDir();
    const r = journal([...ADD, '--usage-count', '2', '--failure-count', '0', '--related-goal', 'fmt', '--decay-status', 'active', '--created-by', 'me'], mem);
    expect(r.code, r.stderr).toBe(0);
    const rec = r.json();
    expect(rec).toMatchObject({ name: 'nix-fmt', type: 'cli', event: 'add', usage_count: 2, failure_count: 0, related_goals: ['fmt'], decay_status: 'active', created_by: 'me', chain: { seq: 1 } });
    expect(rec.organ_id).toMatch(/^org-\d{8}-\d{6}-[0-9a-f]{32}$/);
    expect(lines(join(mem, 'organs.jsonl'))).toEqual([rec]);
    expect(journal(['list'], mem).json()).toEqual([rec]);
  });

  it('warns (and still adds) when another current module organ has the same source; not for other organs of one file', () => {
    const mem = tempDir();
    const add = (name: string, type: string) => journal(['add', '--name', name, '--type', type, '--source', 'modules/backup.nix', '--purpose', 'p'], mem);
    expect(add('backup-module', 'nixos-module').code).toBe(0);
    const job = add('backup', 'systemd-service');
    expect(job.code, job.stderr).toBe(0);
    expect(job.stderr).not.toMatch(/same source/);
    const twin = add('backup-hm', 'home-manager-module');
    expect(twin.code, twin.stderr).toBe(0);
    expect(twin.stderr).toMatch(/another current module organ has the same source/);
    expect(twin.stderr).toContain('backup-module');
  });

  it('lists records in registry order, and [] for a missing registry', () => {
    const mem = tempDir();
    expect(journal(['list'], mem).json()).toEqual([]);
    journal(ADD, mem);
    journal(['add', '--name', 'dev', '--type', 'dev-shell', '--source', 'shells/dev.nix', '--purpose', 'dev shell'], mem);
    expect(journal(['list'], mem).json().map((r: { name: string }) => r.name)).toEqual(['nix-fmt', 'dev']);
  });

  it('honours --path and AUTOPOIETIC_MEMORY_DIR', () => {
    const dir = tempDir();
    const r = runCli('mutation-journal', ['organ', ...ADD, '--path', 'reg/organs.jsonl'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'reg', 'organs.jsonl'))).toBe(true);
    const viaEnv = runCli('mutation-journal', ['organ', 'list'], { cwd: '/', env: { AUTOPOIETIC_MEMORY_DIR: join(dir, 'reg') } });
    expect(viaEnv.json().map((o: { name: string }) => o.name)).toEqual(['nix-fmt']);
  });
});

describe('organ update and retire keep history', () => {
  it('appends versions; list shows the current state, --history every version', () => {
    const mem = tempDir();
    const added = journal([...ADD, '--usage-count', '1', '--related-goal', 'a'], mem).json();
    const upd = journal(['update', 'NIX-FMT', '--usage-count', '5', '--purpose', 'format', '--unset', 'related_goals'], mem);
    expect(upd.code, upd.stderr).toBe(0);
    expect(upd.json()).toMatchObject({ organ_id: added.organ_id, event: 'update', name: 'nix-fmt', usage_count: 5, purpose: 'format', source: 'pkgs/nix-fmt', chain: { seq: 2 } });
    expect(upd.json().related_goals).toBeUndefined();
    journal(['add', '--name', 'old', '--type', 'overlay', '--source', 'overlays/old.nix', '--purpose', 'p'], mem);
    const ret = journal(['retire', 'old', '--reason', 'folded into nix-fmt'], mem);
    expect(ret.code, ret.stderr).toBe(0);
    expect(ret.json()).toMatchObject({ event: 'retire', retired: true, retired_reason: 'folded into nix-fmt', name: 'old' });

    const current = journal(['list'], mem).json();
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ name: 'nix-fmt', usage_count: 5, event: 'update' });
    const history = journal(['list', '--history'], mem).json();
    expect(history.map((r: { name: string; event: string }) => `${r.event}:${r.name}`)).toEqual(['add:nix-fmt', 'update:nix-fmt', 'add:old', 'retire:old']);
    // a retired name can be registered again, as a new organ
    const again = journal(['add', '--name', 'old', '--type', 'overlay', '--source', 'overlays/old.nix', '--purpose', 'back'], mem);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().organ_id).not.toBe(history[2].organ_id);
  });

  it('renames with --rename and refuses a name another current organ has', () => {
    const mem = tempDir();
    journal(ADD, mem);
    journal(['add', '--name', 'dev', '--type', 'dev-shell', '--source', 'shells/dev.nix', '--purpose', 'p'], mem);
    expect(journal(['update', 'nix-fmt', '--rename', 'nixfmt'], mem).json().name).toBe('nixfmt');
    const clash = journal(['update', 'nixfmt', '--rename', 'DEV'], mem);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('error[organ-exists]');
  });
});

describe('bad input exits 2 and writes nothing', () => {
  const cases: [string, string[], string][] = [
    ['unknown type', ['add', '--name', 'x', '--type', 'daemon', '--source', 's', '--purpose', 'p'], 'unknown organ type "daemon"'],
    ['unknown status', ['add', '--name', 'x', '--type', 'cli', '--source', 's', '--purpose', 'p', '--decay-status', 'Active'], 'unknown decay status "Active"'],
    ['blank name', ['add', '--name', '  ', '--type', 'cli', '--source', 's', '--purpose', 'p'], 'organ name must not be empty'],
    ['blank source', ['add', '--name', 'x', '--type', 'cli', '--source', '', '--purpose', 'p'], '--source must not be empty'],
    ['blank purpose', ['add', '--name', 'x', '--type', 'cli', '--source', 's', '--purpose', ' '], 'organ purpose must not be empty'],
    ['negative usage', ['add', '--name', 'x', '--type', 'cli', '--source', 's', '--purpose', 'p', '--usage-count', '-1'], '--usage-count must be a non-negative integer'],
    ['negative failures', ['update', 'nix-fmt', '--failure-count', '-3'], '--failure-count must be a non-negative integer'],
    ['duplicate add', ['add', '--name', 'Nix-Fmt', '--type', 'cli', '--source', 's', '--purpose', 'p'], 'organ "nix-fmt" is already registered'],
    ['retire unknown', ['retire', 'ghost', '--reason', 'gone'], 'no organ named "ghost" is registered'],
    ['retire blank reason', ['retire', 'nix-fmt', '--reason', ' '], 'organ retire reason must not be empty'],
    ['update unknown', ['update', 'ghost', '--purpose', 'x'], 'no organ named "ghost" is registered'],
    ['update nothing', ['update', 'nix-fmt'], 'organ update needs at least one change'],
    ['bad stale-after', ['review', '--stale-after', '0'], '--stale-after must be a whole number of days'],
    ['ledger flag without --measure', ['review', '--verifications', 'v.jsonl'], '--verifications is only read with --measure'],
  ];
  it.each(cases)('%s', (_what, args, message) => {
    const mem = tempDir();
    journal(ADD, mem);
    const before = snapshot(mem);
    const r = journal(args, mem);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(/\nhint: /);
    expect(r.stdout).toBe('');
    expect(snapshot(mem)).toEqual(before);
  });

  // add/update/retire measure the registry before reading it; that stat gave error[internal] ENOTDIR/ELOOP
  it.each([
    ['add', ...ADD.slice(1)],
    ['update', 'nix-fmt', '--purpose', 'x'],
    ['retire', 'nix-fmt', '--reason', 'r'],
  ])('%s names a registry path that cannot be one (under a file, a symlink loop)', (...args) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    for (const [path, code] of [[join(dir, 'file', 'organs.jsonl'), 'ENOTDIR'], [join(dir, 'loop-a'), 'ELOOP']]) {
      const r = runCli('mutation-journal', ['organ', ...args, '--path', path!]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`error[ledger-unreadable]: cannot read the organ registry ${path}: ${code}`);
      expect(r.stderr).not.toContain('error[internal]');
    }
  });

  it('a missing required flag is a usage error too, and creates no registry', () => {
    const mem = tempDir();
    const r = journal(['add', '--name', 'x', '--type', 'cli', '--source', 's'], mem);
    expect(r.code).toBe(2);
    expect(snapshot(mem)).toEqual({});
  });
});
