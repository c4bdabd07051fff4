import { MAX_DOCUMENT_FILE_BYTES, readBoundedFile, readFailure } from '@autopoietic/core/adapters';
import { basename, dirname, resolve } from 'node:path';
import { firstDuplicateKey, sha256Hex } from '@autopoietic/core/canonical';
import { MutationProposal, SCHEMA_VERSION, type MutationProposal as Proposal } from '@autopoietic/core/schemas';
import { unrepresentableProblem } from './unrepresentable.js';

/**
 * Reading a proposal file. Nothing here throws: a gate must journal even a proposal it cannot
 * read (`error`) or whose fields are invalid (`rejected`), so every failure is a value that
 * carries what could be salvaged for the record (mutation_id, goal, phase).
 */
export interface ProposalIdentity {
  mutation_id: string;
  goal: string;
  phase: string;
}

export type ProposalRead =
  | { ok: true; path: string; dir: string; bytes: Buffer; proposal: Proposal }
  | { ok: false; status: 'error' | 'rejected'; reason: string; path: string; bytes?: Buffer; identity: ProposalIdentity };

export function readProposal(file: string, cwd: string = process.cwd()): ProposalRead {
  const path = resolve(cwd, file);
  const read = readBoundedFile(path, MAX_DOCUMENT_FILE_BYTES);
  if (!read.ok) return { ok: false, status: 'error', reason: `failed to read proposal ${path}: ${readFailure(read)}`, path, identity: unknownIdentity(undefined) };
  const bytes = read.bytes;
  const encoding = encodingProblem(bytes);
  if (encoding) return { ok: false, status: 'error', reason: `proposal ${path} ${encoding}`, path, bytes, identity: unknownIdentity(bytes) };
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    return { ok: false, status: 'error', reason: `proposal ${path} is not valid JSON: ${(e as Error).message}`, path, bytes, identity: unknownIdentity(bytes) };
  }
  const identity = salvageIdentity(raw, bytes);
  const version = (raw as { schema_version?: unknown } | null)?.schema_version;
  if (raw !== null && typeof raw === 'object' && version !== SCHEMA_VERSION) {
    return { ok: false, status: 'rejected', reason: `unsupported proposal schema_version ${JSON.stringify(version)} (expected "${SCHEMA_VERSION}")`, path, bytes, identity };
  }
  // Before the schema: with a key twice, what the schema would judge is only JSON.parse's pick.
  const duplicate = firstDuplicateKey(bytes.toString('utf8'));
  if (duplicate) {
    const where = duplicate.path === '(top)' ? '' : `${duplicate.path}: `;
    const reason = `proposal ${path} is invalid: ${where}the key ${JSON.stringify(duplicate.key)} appears twice in one object (JSON readers disagree on which one counts); keep one`;
    return { ok: false, status: 'rejected', reason, path, bytes, identity };
  }
  const parsed = MutationProposal.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(proposal)'}: ${i.message}`);
    return { ok: false, status: 'rejected', reason: `proposal ${path} is invalid: ${issues.join('; ')}`, path, bytes, identity };
  }
  // After the schema, which bounds the depth of what is walked (it stops at the first wrong type).
  const unrepresentable = unrepresentableProblem(raw);
  if (unrepresentable) return { ok: false, status: 'rejected', reason: `proposal ${path} is invalid: ${unrepresentable}`, path, bytes, identity };
  return { ok: true, path, dir: dirname(path), bytes, proposal: parsed.data };
}

/**
 * JSON text is UTF-8 (RFC 8259). Decoding anything else turned each bad byte into U+FFFD, so a
 * goal written `caf\xe9` and one written `caf\xe8` (Latin-1 from an old editor) were one proposal
 * with one fingerprint, and P2 promoted the other file on the first one's evidence. A byte order
 * mark only made JSON.parse say "Unexpected token", which names no cause.
 */
function encodingProblem(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return 'starts with a byte order mark (bytes EF BB BF), which JSON does not allow: save it as UTF-8 without a BOM';
  }
  const decoded = Buffer.from(bytes.toString('utf8'), 'utf8');
  if (decoded.equals(bytes)) return undefined;
  let at = 0;
  while (at < bytes.length && bytes[at] === decoded[at]) at++;
  const line = bytes.subarray(0, at).toString('latin1').split('\n').length;
  const bad = bytes[at]!.toString(16).toUpperCase().padStart(2, '0');
  return `is not valid UTF-8 (byte ${bad} at offset ${at}, line ${line}), and JSON text must be: save it as UTF-8 (iconv -f LATIN1 -t UTF-8 when it was written as Latin-1)`;
}

/** The display name of a proposal file, for messages. */
export function proposalLabel(path: string): string {
  return `${basename(dirname(path))}/${basename(path)}`;
}

/**
 * Identity fields for the record of a proposal that did not validate. mutation_id is never
 * empty: a missing or blank one becomes `unknown:proposal-<first 16 hex of the file's sha256>`
 * (or `unknown:proposal-unreadable`), which can never be promoted.
 */
function salvageIdentity(raw: unknown, bytes: Buffer): ProposalIdentity {
  const o = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const id = str(o.mutation_id).trim() === '' ? unknownIdentity(bytes).mutation_id : str(o.mutation_id);
  return { mutation_id: id, goal: str(o.goal), phase: str(o.phase) };
}

function unknownIdentity(bytes: Buffer | undefined): ProposalIdentity {
  const id = bytes ? `unknown:proposal-${sha256Hex(bytes).slice(0, 16)}` : 'unknown:proposal-unreadable';
  return { mutation_id: id, goal: '', phase: '' };
}
