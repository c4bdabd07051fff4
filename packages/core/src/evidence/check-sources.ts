import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import type { EvidenceInput } from '../schemas/evidence.js';

/**
 * What an input's `source` names, by its kind (the provenance conventions of docs/evidence.md):
 * the one place that reads a source string back. Pure: nothing here touches the file system.
 */
export type Source =
  /** `<journal>#<id>`: a gate record, one ledger line. */
  | { type: 'ledger-record'; ledger: string; id: string }
  /** `<journal>#<id>#checks`: the check list of that record. */
  | { type: 'check-list'; ledger: string; id: string }
  /** A file digested by its exact bytes (a proposal, a patch file). */
  | { type: 'file-bytes'; path: string }
  /** `<proposal>#patch`: a patch given inline in the proposal, digested as its UTF-8 bytes. */
  | { type: 'inline-patch'; proposal: string }
  /** A JSON file digested as canonical JSON (install-verify's plan, and its report kept with --output). */
  | { type: 'json-file'; path: string }
  /** A command's stdout, kept only if the caller kept it. */
  | { type: 'command-output'; reason: string }
  | { type: 'unknown'; reason: string };

const RECORD_KINDS = new Set(['mutation-verification-record', 'mutation-promotion-record']);
const OUTPUT_KINDS = new Set(['install-plan-output', 'install-verify-output', 'organ-review-output', 'organ-registry-suggestion-output']);

const KEPT_NOWHERE =
  "install-verify's output is kept nowhere; run install-verify again to check its facts and comparisons (with --output FILE it keeps its report, and the bundle names that file), or pass the output with --output if you kept it";
const STDOUT = 'the command printed it on stdout, which is kept only if the caller kept it; pass it with --output FILE to check it';

export function sourceOf(input: Pick<EvidenceInput, 'kind' | 'provenance'>): Source {
  const { kind } = input;
  const src = input.provenance.source;
  if (RECORD_KINDS.has(kind)) return splitRecord(src, 'ledger-record');
  if (kind === 'check-list') {
    return src.endsWith('#checks') ? splitRecord(src.slice(0, -'#checks'.length), 'check-list') : unknown(`a check-list source ends with #checks: ${src}`);
  }
  if (kind === 'proposal-file') return isAbsolute(src) ? { type: 'file-bytes', path: src } : unknown(`not an absolute path: ${src}`);
  if (kind === 'patch') {
    if (src.endsWith('#patch')) return { type: 'inline-patch', proposal: src.slice(0, -'#patch'.length) };
    return isAbsolute(src) ? { type: 'file-bytes', path: src } : unknown(`not an absolute path: ${src}`);
  }
  if (OUTPUT_KINDS.has(kind)) {
    // A file path: install-verify's plan, or the report install-verify kept with --output.
    if ((kind === 'install-plan-output' || kind === 'install-verify-output') && isAbsolute(src)) return { type: 'json-file', path: src };
    return { type: 'command-output', reason: kind === 'install-verify-output' ? KEPT_NOWHERE : STDOUT };
  }
  return unknown(`no rule re-derives an input of kind ${kind}`);
}

/**
 * Whether an input is a command's output, which `evidence check --output` may supply: a stdout
 * kept only by the caller, or a report kept in a file the bundle names (whose copy may be given).
 */
export function isOutputRecord(input: Pick<EvidenceInput, 'kind' | 'provenance'>): boolean {
  return OUTPUT_KINDS.has(input.kind) && ['command-output', 'json-file'].includes(sourceOf(input).type);
}

function splitRecord(src: string, type: 'ledger-record' | 'check-list'): Source {
  // The id never holds a '#'; a journal path may, so split at the last one.
  const at = src.lastIndexOf('#');
  if (at <= 0 || at === src.length - 1) return unknown(`expected <journal>#<id>: ${src}`);
  const ledger = src.slice(0, at);
  return isAbsolute(ledger) ? { type, ledger, id: src.slice(at + 1) } : unknown(`the journal is not an absolute path: ${src}`);
}

function unknown(reason: string): Source {
  return { type: 'unknown', reason };
}

/**
 * Where to read a ledger the bundle names: as written, or, with --memory-dir, the file of the
 * same name in that directory (the memory was copied or moved since the bundle was written).
 */
export function relocateLedger(ledger: string, memoryDir: string | undefined): string {
  return memoryDir === undefined ? ledger : join(memoryDir, basename(ledger));
}

/**
 * Where to read a check log a record names: as written, or, with --memory-dir, at the same place
 * relative to the memory directory when the log was under the ledger's own directory (logs are
 * kept in `<memory dir>/logs/<record id>/`).
 */
export function relocateLog(log: string, ledger: string, memoryDir: string | undefined): string {
  if (memoryDir === undefined) return log;
  const rel = relative(dirname(ledger), log);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? join(memoryDir, rel) : log;
}
