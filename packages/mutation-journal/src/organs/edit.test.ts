import { describe, expect, it } from 'vitest';
import { addRecord, parseAdd, parseUpdate, retireRecord, updateRecord } from './edit.js';
import { foldRegistry, type OrganLine } from './history.js';

const NOW = '2026-03-01T00:00:00.000Z';
const add = { name: 'nix-fmt', type: 'cli', source: 'pkgs/nix-fmt', purpose: 'format nix' };
const usage = (code: string, message?: string) => expect.objectContaining({ code, exit: 2, ...(message ? { message } : {}) });

describe('parseAdd', () => {
  it('trims and types every field', () => {
    expect(parseAdd({ ...add, name: ' nix-fmt ', usageCount: '3', failureCount: '0', relatedGoal: ['fmt'], decayStatus: 'active', createdBy: 'me' })).toEqual({
      name: 'nix-fmt', type: 'cli', source: 'pkgs/nix-fmt', purpose: 'format nix',
      usage_count: 3, failure_count: 0, related_goals: ['fmt'], decay_status: 'active', created_by: 'me',
    });
  });

  it.each([
    [{ name: '  ' }, usage('organ-field-empty', 'organ name must not be empty')],
    [{ source: '' }, usage('organ-field-empty', 'organ source must not be empty')],
    [{ purpose: '\t' }, usage('organ-field-empty', 'organ purpose must not be empty')],
    [{ relatedGoal: ['ok', ' '] }, usage('organ-field-empty', 'organ related goal must not be empty')],
    [{ type: 'daemon' }, usage('organ-type-unknown', 'unknown organ type "daemon"')],
    [{ type: 'CLI' }, usage('organ-type-unknown')],
    [{ decayStatus: 'Active' }, usage('organ-status-unknown', 'unknown decay status "Active"')],
    [{ usageCount: '-1' }, usage('organ-count-invalid', '--usage-count must be a non-negative integer, got "-1"')],
    [{ failureCount: '1.5' }, usage('organ-count-invalid')],
    [{ failureCount: 'many' }, usage('organ-count-invalid')],
    [{ usageCount: '99999999999999999999' }, usage('organ-count-invalid')],
    [{ source: '/abs/x.nix' }, usage('organ-source-invalid', 'organ source "/abs/x.nix" is an absolute path: a source is a file or directory inside the genome, relative to its root')],
    [{ source: 'src/../../etc' }, usage('organ-source-invalid', expect.stringContaining('leads out of the genome root'))],
    [{ source: '..' }, usage('organ-source-invalid')],
    [{ source: '\\abs\\x.nix' }, usage('organ-source-invalid')],
    [{ source: './' }, usage('organ-source-invalid', expect.stringContaining('names the genome root itself'))],
  ])('rejects %j', (patch, err) => {
    expect(() => parseAdd({ ...add, ...patch })).toThrow(err);
  });

  it('keeps a genome-relative source as given, even one that only normalises to a path inside', () => {
    expect(parseAdd({ ...add, source: 'src/../pkgs/fmt/' }).source).toBe('src/../pkgs/fmt/');
    expect(() => parseUpdate({ source: '/etc/nixos' })).toThrow(usage('organ-source-invalid'));
  });
});

const lines: OrganLine[] = [
  { schema_version: '0.1.0', organ_id: 'org-1', recorded_at: '2026-01-01T00:00:00.000Z', event: 'add', ...add, type: 'cli', usage_count: 2, decay_status: 'candidate', related_goals: ['g'] },
  { schema_version: '0.1.0', organ_id: 'org-2', recorded_at: '2026-01-01T00:00:00.000Z', event: 'add', name: 'shell', type: 'dev-shell', source: 'shells/dev.nix', purpose: 'dev', chain: { seq: 2, prev: `sha256:${'0'.repeat(64)}` } },
];

describe('addRecord', () => {
  it('refuses a name a current organ already has, in any case', () => {
    expect(() => addRecord(foldRegistry(lines), parseAdd({ ...add, name: 'NIX-FMT' }), NOW, 'org-new')).toThrow(usage('organ-exists'));
  });

  it('writes an add event with id and time, and reports the modules that share the source of a module', () => {
    const r = addRecord(foldRegistry(lines), parseAdd({ ...add, name: 'fmt2' }), NOW, 'org-new');
    expect(r.record).toEqual({ schema_version: '0.1.0', organ_id: 'org-new', recorded_at: NOW, event: 'add', name: 'fmt2', type: 'cli', source: 'pkgs/nix-fmt', purpose: 'format nix' });
    // Two CLIs of one package are two organs (ADR 0022): only modules share a source.
    expect(r.sharedSource).toEqual([]);
    const mod = { schema_version: '0.1.0', organ_id: 'org-3', recorded_at: '2026-01-01T00:00:00.000Z', event: 'add', name: 'backup', type: 'nixos-module', source: 'modules/backup.nix', purpose: 'p' } as const;
    const withModule = foldRegistry([...lines, mod]);
    expect(addRecord(withModule, parseAdd({ name: 'backup-hm', type: 'home-manager-module', source: './modules/backup.nix', purpose: 'p' }), NOW, 'org-4').sharedSource.map((o) => o.id)).toEqual(['org-3']);
    expect(addRecord(withModule, parseAdd({ name: 'backup-job', type: 'systemd-service', source: 'modules/backup.nix', purpose: 'p' }), NOW, 'org-4').sharedSource).toEqual([]);
  });
});

describe('updateRecord', () => {
  it('carries every unchanged field and drops the chain of the previous line', () => {
    const u = updateRecord(foldRegistry(lines), 'Shell', parseUpdate({ usageCount: '4', relatedGoal: ['a', 'b'] }), NOW);
    expect(u.record).toEqual({
      schema_version: '0.1.0', organ_id: 'org-2', recorded_at: NOW, event: 'update', name: 'shell', type: 'dev-shell',
      source: 'shells/dev.nix', purpose: 'dev', usage_count: 4, related_goals: ['a', 'b'],
    });
  });

  it('clears fields with --unset and renames with --rename', () => {
    const u = updateRecord(foldRegistry(lines), 'nix-fmt', parseUpdate({ unset: ['decay-status', 'related_goals'], rename: 'nixfmt' }), NOW);
    expect(u.record.decay_status).toBeUndefined();
    expect(u.record.related_goals).toBeUndefined();
    expect(u.record.name).toBe('nixfmt');
    expect(u.record.usage_count).toBe(2);
  });

  it('rejects empty updates, conflicting flags, unknown --unset fields and renames onto a taken name', () => {
    expect(() => parseUpdate({})).toThrow(usage('organ-update-empty'));
    expect(() => parseUpdate({ usageCount: '1', unset: ['usage_count'] })).toThrow(usage('organ-update-conflict'));
    expect(() => parseUpdate({ unset: ['name'] })).toThrow(usage('organ-unset-unknown'));
    expect(() => updateRecord(foldRegistry(lines), 'nix-fmt', parseUpdate({ rename: 'SHELL' }), NOW)).toThrow(usage('organ-exists'));
    expect(() => updateRecord(foldRegistry(lines), 'ghost', parseUpdate({ purpose: 'x' }), NOW)).toThrow(usage('organ-unknown'));
  });
});

describe('retireRecord', () => {
  it('appends a retire version with the reason', () => {
    const r = retireRecord(foldRegistry(lines), 'shell', ' replaced by nix develop ', undefined, NOW);
    expect(r.record).toMatchObject({ organ_id: 'org-2', event: 'retire', retired: true, retired_reason: 'replaced by nix develop', recorded_at: NOW });
    const after = foldRegistry([...lines, r.record]);
    expect(after.organs[1]!.retired).toBe(true);
  });

  it('refuses a blank reason, an unknown name and an already retired organ', () => {
    expect(() => retireRecord(foldRegistry(lines), 'shell', '  ', undefined, NOW)).toThrow(usage('organ-field-empty', 'organ retire reason must not be empty'));
    expect(() => retireRecord(foldRegistry(lines), 'ghost', 'r', undefined, NOW)).toThrow(usage('organ-unknown'));
    const retired = retireRecord(foldRegistry(lines), 'shell', 'r', undefined, NOW).record;
    expect(() => retireRecord(foldRegistry([...lines, retired]), 'shell', 'r', undefined, NOW)).toThrow(usage('organ-unknown', 'organ "shell" is retired'));
  });

  it('cannot address an older id-less organ shadowed by a newer one of the same name', () => {
    const legacy: OrganLine[] = [
      { schema_version: '0.1.0', name: 'x', type: 'cli', source: 'a', purpose: 'p' },
      { schema_version: '0.1.0', name: 'x', type: 'cli', source: 'b', purpose: 'p' },
    ];
    expect(() => retireRecord(foldRegistry(legacy), 'x', 'r', 'line:1', NOW)).toThrow(usage('organ-ambiguous'));
    const ok = retireRecord(foldRegistry(legacy), 'x', 'r', 'line:2', NOW).record;
    expect(ok.organ_id).toBeUndefined();
    expect(foldRegistry([...legacy, ok]).organs.map((o) => o.retired)).toEqual([false, true]);
  });
});
