import { isAbsolute, join } from 'node:path';
import { isStrictlyInside, MAX_DOCUMENT_FILE_BYTES, readBoundedFile, readFailure, resolvedPath } from '@autopoietic/core/adapters';
import type { MutationProposal } from '@autopoietic/core/schemas';

/**
 * Where the patch text comes from: the inline `patch`, or `patch_path` relative to the
 * proposal's directory. The rules (and the message substrings tests rely on) follow the
 * reference's step 4; a failure here leaves the proposal fingerprint as a sentinel.
 */
export type PatchSource =
  | { ok: true; text: string; bytes: Buffer; path: string | undefined }
  | { ok: false; status: 'rejected' | 'error'; reason: string };

export function resolvePatchSource(proposal: MutationProposal, proposalDir: string): PatchSource {
  const hasInline = proposal.patch !== undefined;
  const hasPath = proposal.patch_path !== undefined;
  if (hasInline && hasPath) return rejected('proposal must set only one of patch or patch_path, not both');
  if (!hasInline && !hasPath) return rejected('proposal must set patch or patch_path');
  if (hasInline) {
    const text = proposal.patch!;
    return { ok: true, text, bytes: Buffer.from(text, 'utf8'), path: undefined };
  }
  const rel = proposal.patch_path!;
  if (rel.trim() === '') return rejected('patch_path must not be blank');
  if (isAbsolute(rel)) return rejected(`patch_path ${JSON.stringify(rel)} must be relative to the proposal's directory`);
  if (rel.split(/[\\/]/).some((part) => part === '..')) {
    return rejected(`patch_path ${JSON.stringify(rel)} must stay inside the proposal's directory (no ".." components)`);
  }
  const path = join(proposalDir, rel);
  // A symlink in the proposal directory must not lead the read outside it.
  const real = resolvedPath(path);
  const realDir = resolvedPath(proposalDir);
  if (!isStrictlyInside(real, realDir)) {
    return rejected(`patch_path ${JSON.stringify(rel)} must stay inside the proposal's directory, but it resolves to ${real} through a symlink`);
  }
  // The check above looked at the path; `within` checks the file as opened, so a link swapped in
  // meanwhile (the proposal's author may control the directory) cannot lead the read outside.
  const read = readBoundedFile(path, MAX_DOCUMENT_FILE_BYTES, { within: realDir });
  if (!read.ok && read.code === 'outside') return rejected(`patch_path ${JSON.stringify(rel)} must stay inside the proposal's directory, but ${read.reason}`);
  if (!read.ok) return { ok: false, status: 'error', reason: `failed to read proposal patch ${path}: ${readFailure(read)}` };
  return { ok: true, text: read.bytes.toString('utf8'), bytes: read.bytes, path };
}

function rejected(reason: string): PatchSource {
  return { ok: false, status: 'rejected', reason };
}
