import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { journal, organLine, snapshot } from './organ-fixtures.js';

// A bundle under /proc/<pid> passed every sidecar check, the review ran, and only the write
// failed (exit 1, ENOENT, "Check that the directory exists"); under /sys the same with EACCES.
describe('output paths on a kernel pseudo-file system', () => {
  it('organ review refuses an --evidence-bundle there before reviewing (exit 2), memory untouched', async () => {
    const mem = tempDir();
    await organLine(mem, { organ_id: 'org-1', event: 'add', name: 'identity', related_goals: ['g'] });
    const before = snapshot(mem);
    for (const [bundle, kind, at] of [
      [`/proc/${process.pid}/x.json`, 'proc', `/proc/${process.pid}`],
      ['/proc/self/x.json', 'proc', '/proc/self'],
      ['/sys/x.json', 'sysfs', '/sys'],
    ] as const) {
      const r = journal(['review', '--evidence-bundle', bundle], mem);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`error[sidecar-refused]: evidence bundle path ${bundle} is on ${kind} (${at}), a kernel pseudo-file system that cannot hold a regular file; write it to a regular directory`);
    }
    expect(snapshot(mem)).toEqual(before);
  });

  it('lineage refuses an --output there (exit 2)', () => {
    const mem = tempDir();
    const r = runCli('mutation-journal', ['lineage', '--memory-dir', mem, '--output', '/sys/lineage.html']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('error[output-on-pseudo-fs]: --output /sys/lineage.html is on sysfs (/sys), a kernel pseudo-file system that cannot hold a regular file\n');
    expect(r.stderr).toContain('hint: Write it to a regular directory instead, e.g. --output lineage.html.');
    expect(readdirSync(mem)).toEqual([]);
  });
});
