import { posix } from 'node:path';
import { usageError, type AosError } from '@autopoietic/core/cli-kit';
import { sha256 } from '@autopoietic/core/canonical';
import { SCHEMA_VERSION } from '@autopoietic/core/schemas';

/**
 * Structural rules every consumer of a plan applies before it touches anything (design inventory
 * 3.7 step 2, plus the checks an executable plan needs): a malformed manifest is a hard error
 * raised before any report or write. Pure: it looks only at the parsed JSON.
 */

const HASH = /^sha256:[0-9a-f]{64}$/;

function planError(where: string, message: string): AosError {
  return usageError('plan-invalid', `${where}: ${message}`, 'Use the JSON printed by `mutation-runner install-plan`, unmodified.');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInside(child: string, root: string): boolean {
  const rel = posix.relative(root, child);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !posix.isAbsolute(rel));
}

/** Checks the seed manifest of a parsed plan document (`{generation, seed_manifest}`). */
export function checkManifest(plan: unknown, where: string): void {
  if (!isRecord(plan) || !isRecord(plan.seed_manifest) || !isRecord(plan.generation)) {
    throw planError(where, 'not an install plan: expected an object with generation and seed_manifest');
  }
  const m = plan.seed_manifest;
  if (m.schema_version !== SCHEMA_VERSION) {
    throw planError(where, `unsupported seed manifest schema_version ${JSON.stringify(m.schema_version)}; expected ${SCHEMA_VERSION}`);
  }
  if (!Array.isArray(m.files) || m.files.length === 0) throw planError(where, 'seed manifest has no files');
  const root = m.target_root;
  if (typeof root !== 'string' || !root.startsWith('/')) throw planError(where, 'seed manifest target_root must be an absolute path');
  const seen = new Set<string>();
  m.files.forEach((f: unknown, i: number) => {
    const at = `seed_manifest.files[${i}]`;
    if (!isRecord(f)) throw planError(where, `${at} is not an object`);
    checkFilePaths(f, root, `${where}: ${at}`);
    if (typeof f.content_sha256 !== 'string' || !HASH.test(f.content_sha256)) {
      throw planError(where, `${at}.content_sha256 must be sha256:<64 lowercase hex> (got ${JSON.stringify(f.content_sha256)})`);
    }
    const key = posix.normalize(f.installed_path as string);
    if (seen.has(key)) throw planError(where, `${at}.installed_path ${key} appears twice`);
    seen.add(key);
  });
  for (const outer of seen) {
    const inner = [...seen].find((p) => p.startsWith(`${outer}/`));
    if (inner) throw planError(where, `seed path ${inner} lies inside seed path ${outer}: one of them cannot be a file`);
  }
}

function checkFilePaths(f: Record<string, unknown>, root: string, at: string): void {
  const installed = f.installed_path;
  const target = f.target_path;
  const fail = (msg: string) => usageError('plan-invalid', `${at}: ${msg}`, 'Use the JSON printed by `mutation-runner install-plan`, unmodified.');
  if (typeof installed !== 'string' || !installed.startsWith('/')) throw fail(`installed_path ${JSON.stringify(installed)} must be an absolute path`);
  if (installed.split('/').includes('..')) throw fail(`installed_path ${installed} must not contain parent components (..)`);
  if (typeof target !== 'string' || !target.startsWith('/')) throw fail(`target_path ${JSON.stringify(target)} must be absolute`);
  const normalized = posix.normalize(target);
  if (!isInside(normalized, posix.normalize(root))) throw fail(`target_path ${target} is outside the target root ${root}`);
  const expected = posix.join(root, installed.replace(/^\/+/, ''));
  if (normalized !== expected) throw fail(`target_path ${target} does not match target_root + installed_path (${expected})`);
}

/** Decoded bytes of a seed file entry; the content must hash to content_sha256. */
export function seedBytes(f: { content: string; content_encoding: 'utf8' | 'base64'; content_sha256: string; installed_path: string }, where: string): Buffer {
  const bytes = f.content_encoding === 'base64' ? Buffer.from(f.content, 'base64') : Buffer.from(f.content, 'utf8');
  if (f.content_encoding === 'base64' && bytes.toString('base64') !== f.content.replace(/\s+/g, '')) {
    throw planError(where, `seed file ${f.installed_path}: content is not valid base64`);
  }
  if (sha256(bytes) !== f.content_sha256) {
    throw planError(where, `seed file ${f.installed_path}: content does not match its content_sha256 ${f.content_sha256}`);
  }
  return bytes;
}
