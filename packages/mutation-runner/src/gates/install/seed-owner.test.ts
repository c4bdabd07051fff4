import type { Stats } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@autopoietic/core/canonical';
import type { InstallSeedFilePlan } from '@autopoietic/core/schemas';
import { allowedOwners, ownerProblem } from './seed-owner.js';
import { fileReport } from './verify.js';

const CONTENT = '{"mode":"observe-only"}\n';

function seed(mode?: string): InstallSeedFilePlan {
  return {
    installed_path: '/etc/autopoietic/mutation-runner.json',
    target_path: '/mnt/etc/autopoietic/mutation-runner.json',
    source: 'policy',
    content_sha256: sha256(CONTENT),
    content_encoding: 'utf8',
    content: CONTENT,
    ...(mode ? { mode } : {}),
    effect: { type: 'seed-file-write', target: '/mnt/etc/autopoietic/mutation-runner.json', reversible: true, compensation: 'remove', verified_by: 'install-verify', risk: 'low' },
  } as InstallSeedFilePlan;
}

const read = (uid: number, mode = 0o100644, resolvedPath?: string) => ({
  status: 'read' as const,
  bytes: Buffer.from(CONTENT),
  stat: { uid, mode } as Stats,
  ...(resolvedPath ? { resolvedPath } : {}),
});

describe('seed file owners', () => {
  it('allows root, and the target root owner when that is another user', () => {
    expect(allowedOwners(0)).toEqual([0]);
    expect(allowedOwners(1000)).toEqual([0, 1000]);
  });

  it('names the owner, who may own it instead, and the fix (quoted for the shell)', () => {
    expect(ownerProblem(0, [0], '/mnt/x')).toBeUndefined();
    expect(ownerProblem(1000, [0, 1000], '/mnt/x')).toBeUndefined();
    expect(ownerProblem(1000, [0], "/mnt/it's")).toBe(
      "it is owned by uid 1000, not by root, which owns the target root: that user can rewrite it (give it to root: chown root '/mnt/it'\\''s')",
    );
    expect(ownerProblem(65534, [0, 1000], '/mnt/x')).toBe(
      "it is owned by uid 65534, not by root or the target root's owner (uid 1000): that user can rewrite it (give it to root: chown root '/mnt/x')",
    );
  });
});

describe('install-verify of one seed file: content, mode and owner', () => {
  it('matches a file with the planned content, mode and an allowed owner, and reports the owner', () => {
    expect(fileReport(seed('0644'), read(0), [0])).toMatchObject({ status: 'matched', reason: 'content hash and mode 0644 matched', actual_uid: 0, allowed_uids: [0] });
    expect(fileReport(seed(), read(1000), [0, 1000])).toMatchObject({ status: 'matched', reason: 'content hash matched', actual_uid: 1000, allowed_uids: [0, 1000] });
  });

  it('reports another owner as mismatched, with or without a mode in the manifest', () => {
    const why = "it is owned by uid 1000, not by root, which owns the target root: that user can rewrite it (give it to root: chown root '/mnt/etc/autopoietic/mutation-runner.json')";
    expect(fileReport(seed('0644'), read(1000), [0])).toMatchObject({ status: 'mismatched', reason: `content hash matched, but ${why}` });
    expect(fileReport(seed(), read(1000), [0])).toMatchObject({ status: 'mismatched', reason: `content hash matched, but ${why}` });
  });

  it('names both problems when the mode and the owner are wrong', () => {
    const r = fileReport(seed('0644'), read(1000, 0o100666), [0]);
    expect(r.status).toBe('mismatched');
    expect(r.reason).toBe(
      "content hash matched, but mode 0666 differs from the manifest's 0644; and it is owned by uid 1000, not by root, which owns the target root: that user can rewrite it (give it to root: chown root '/mnt/etc/autopoietic/mutation-runner.json')",
    );
  });

  it("judges the link target's owner for a file reached through a symlink, and names that file in the fix", () => {
    const store = '/mnt/nix/store/abc-etc/autopoietic/mutation-runner.json';
    expect(fileReport(seed('0644'), read(0, 0o100444, store), [0])).toMatchObject({ status: 'matched', resolved_path: store });
    expect(fileReport(seed('0644'), read(30001, 0o100444, store), [0]).reason).toBe(
      `content hash matched (through a symlink inside the target root), but it is owned by uid 30001, not by root, which owns the target root: that user can rewrite it (give it to root: chown root '${store}')`,
    );
  });

  it('reports a content mismatch first, with the owner still recorded', () => {
    const other = { ...read(1000), bytes: Buffer.from('changed\n') };
    expect(fileReport(seed('0644'), other, [0])).toMatchObject({ status: 'mismatched', reason: 'content hash did not match install seed manifest', actual_uid: 1000 });
  });
});
