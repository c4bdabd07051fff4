import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createNewFile, fsyncDir, makeDirs } from '@autopoietic/core/adapters';
import { AosError } from '@autopoietic/core/cli-kit';
import { MutationProposal } from '@autopoietic/core/schemas';
import { prepareProposal, type PreparedProposal } from '../../pipeline/prepare.js';
import type { ProtectedRule } from '../../patch/protected.js';
import { PATCH_FILE } from './build.js';
import { MAX_ID_LENGTH, removeLeftoverStaging, stagingName } from './staging.js';

/**
 * Writes `<dir>/<mutation id>/proposal.json` and `patch.diff`, all or nothing: both files go into
 * a staging directory next to it, verify's own pre-candidate validation (pipeline/prepare.ts:
 * schema, patch source, changed_paths, patch paths, protected paths, symlink modes, the check
 * allowlist) reads them back from there, and only a proposal it accepts is renamed into place.
 * A refused proposal leaves nothing behind; a killed writer's staging directory is removed by
 * the next write into the same directory (staging.ts).
 */
export interface WrittenProposal {
  dir: string;
  proposalPath: string;
  patchPath: string;
  prepared: PreparedProposal;
}

/**
 * Why `id` cannot be a proposal's mutation id and directory name (verify's schema rule, which
 * also keeps it one path component that is neither `.` nor `..`, plus the length a directory
 * name can have), or undefined.
 */
export function mutationIdProblem(id: string): string | undefined {
  const r = MutationProposal.shape.mutation_id.safeParse(id);
  if (!r.success) return r.error.issues.map((i) => i.message).join('; ');
  if (id.length > MAX_ID_LENGTH) return `must be at most ${MAX_ID_LENGTH} characters (got ${id.length})`;
  return undefined;
}

export function writeProposalDir(outDir: string, proposal: MutationProposal, patch: Buffer, opts: { cwd: string; protectedRules: readonly ProtectedRule[] }): WrittenProposal {
  const final = join(outDir, proposal.mutation_id);
  if (existsSync(final)) {
    throw new AosError('proposal-exists', `${final} already exists`, { exit: 2, hint: 'Choose another --mutation-id, or leave it out to get a fresh one.' });
  }
  makeDirs(outDir);
  removeLeftoverStaging(outDir);
  const staging = join(outDir, stagingName(proposal.mutation_id));
  makeStaging(staging, outDir);
  try {
    const withPath = { ...proposal, patch_path: PATCH_FILE };
    delete (withPath as { patch?: string }).patch;
    createNewFile(join(staging, PATCH_FILE), patch);
    createNewFile(join(staging, 'proposal.json'), `${JSON.stringify(withPath, null, 2)}\n`);
    const prepared = prepareProposal(join(staging, 'proposal.json'), opts);
    if (!prepared.ok) {
      throw new AosError('proposal-refused', `verify would ${prepared.status === 'error' ? 'fail on' : 'reject'} this proposal: ${prepared.reason}`, {
        hint: 'Nothing was written. Fix the change (or the flags) and run propose again.',
        details: { status: prepared.status, reason: prepared.reason },
      });
    }
    renameSync(staging, final);
    fsyncDir(outDir);
    const proposalPath = join(final, 'proposal.json');
    return { dir: final, proposalPath, patchPath: join(final, PATCH_FILE), prepared: { ...prepared, path: proposalPath, patch: { ...prepared.patch, path: join(final, PATCH_FILE) } } };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The staging directory, or an error naming the out dir (an existing directory may still refuse entries: /proc, /sys, read-only). */
function makeStaging(staging: string, outDir: string): void {
  try {
    mkdirSync(staging, { mode: 0o755 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new AosError('out-dir-unwritable', `cannot write a proposal into ${outDir}: ${code}`, {
      cause: e,
      hint: 'Choose an --out-dir you may write to, on a file system that holds files (not /proc or /sys), or leave it out for <genome>/mutations/pending.',
    });
  }
}
