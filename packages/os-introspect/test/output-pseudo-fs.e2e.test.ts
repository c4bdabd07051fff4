import { closeSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { introspectCli, sandbox } from './helpers.js';

const MINIMAL = { 'flake.nix': '{ outputs = { self }: { }; }\n' };

// /proc and /sys exist and are directories, yet no regular file can be made in them: the
// atomic write failed after the whole observation with ENOENT (or EACCES) and the hint "Check
// that the directory exists", which it does. The path is refused before any work instead.
describe('os-introspect --output on a kernel pseudo-file system', () => {
  it.each([
    ['/proc/self/x.json', 'proc', '/proc/self'],
    [`/proc/${process.pid}/x.json`, 'proc', `/proc/${process.pid}`],
    ['/proc/no-such-dir/x.json', 'proc', '/proc'],
    ['/sys/x.json', 'sysfs', '/sys'],
    ['/sys/kernel/x.json', 'sysfs', '/sys/kernel'],
    // a directory there: not "name a file in it" (that file would be refused in turn)
    ['/proc/self', 'proc', '/proc/self'],
  ])('refuses %s before observing (exit 2), naming the file system and the remedy', (output, kind, at) => {
    const s = sandbox(MINIMAL);
    // The observation would fail (no grammar): the refusal must come first.
    const r = introspectCli(s, ['--output', output], { AUTOPOIETIC_NIX_GRAMMAR: join(s.root, 'no-such-grammar.wasm') });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error[output-on-pseudo-fs]: --output ${output} is on ${kind} (${at}), a kernel pseudo-file system that cannot hold a regular file\n`);
    expect(r.stderr).toContain('hint: Write it to a regular directory instead, e.g. --output self-state.json.');
    expect(r.stderr).not.toContain('nix-parser-unavailable');
  });

  it('still writes into a device reached through /proc (/proc/<pid>/fd/N is no file to replace)', () => {
    const s = sandbox(MINIMAL);
    const fd = openSync('/dev/null', 'w');
    try {
      const r = introspectCli(s, ['--output', `/proc/${process.pid}/fd/${fd}`]);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});
