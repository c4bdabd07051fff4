import { MAX_DOCUMENT_FILE_BYTES, readBoundedFile } from '../adapters/bounded-read.js';
import { digestCanonical, sha256 } from '../canonical/digest.js';
import { findRecordLine, type FoundLine } from '../ledger/find-line.js';
import type { EvidenceBundle, EvidenceInput } from '../schemas/evidence.js';
import { MutationVerificationRecord } from '../schemas/verification.js';
import type { CitedLedger } from './check-chains.js';
import type { InputCheck } from './check-report.js';
import { relocateLedger, sourceOf, type Source } from './check-sources.js';
import { checkList } from './runner-bundles.js';

export interface InputContext {
  /** Read the ledgers from this directory instead of where the sources say (relocateLedger). */
  memoryDir?: string | undefined;
  /** The command output the caller kept (absolute path): the source of a `command-output` input, or of a `record` kept in a file. */
  output?: string | undefined;
}

/** A gate record read from its ledger for an input: the logs it names are checked too. */
export interface CitedRecord {
  id: string;
  /** The ledger as the bundle names it, and the file read. */
  ledger: string;
  readFrom: string;
  value: Record<string, unknown>;
}

export interface DerivedInputs {
  checks: InputCheck[];
  /** The value each input names, by input name (`record`, `verification`, `plan`, ...), when it could be read. */
  values: Map<string, unknown>;
  records: CitedRecord[];
  /** Every ledger a record was found in, with the last line found: its chain is checked up to there. */
  ledgers: CitedLedger[];
}

type Derived = { status: 'read'; digest: string; value?: unknown; readFrom?: string } | { status: 'missing' | 'differs' | 'unverifiable'; reason: string; readFrom?: string };

/** Re-derives the digest of every input of a bundle from what its source names (docs/evidence.md). */
export async function deriveInputs(bundle: EvidenceBundle, ctx: InputContext): Promise<DerivedInputs> {
  const lines = new Map<string, Promise<FoundLine>>();
  const ledgers = new Map<string, CitedLedger>();
  const out: DerivedInputs = { checks: [], values: new Map(), records: [], ledgers: [] };
  for (const input of bundle.inputs ?? []) {
    const source = sourceOf(input);
    const lookup = async (ledger: string, id: string) => {
      const file = relocateLedger(ledger, ctx.memoryDir);
      const key = `${file}\0${id}`;
      if (!lines.has(key)) lines.set(key, findRecordLine(file, id));
      const found = await lines.get(key)!;
      if (found.status === 'found' && found.line > (ledgers.get(file)?.line ?? 0)) ledgers.set(file, { ledger, readFrom: file, line: found.line });
      return { found, file };
    };
    // The record's output as the caller gives it (--output): a kept stdout, or a copy of the file
    // the bundle names.
    const given = ctx.output !== undefined && inputName(input) === 'record' && source.type === 'json-file';
    const derived = given ? { ...jsonFile(ctx.output!), readFrom: ctx.output } : await derive(source, ctx, lookup);
    out.checks.push(itemOf(input, derived));
    if (derived.status === 'read' && derived.value !== undefined) {
      out.values.set(inputName(input), derived.value);
      if (source.type === 'ledger-record') out.records.push({ id: source.id, ledger: source.ledger, readFrom: relocateLedger(source.ledger, ctx.memoryDir), value: derived.value as Record<string, unknown> });
    }
  }
  out.ledgers = [...ledgers.values()];
  return out;
}

/** `input:<prefix>:<name>` -> name (names hold no colon). */
export function inputName(input: Pick<EvidenceInput, 'input_id'>): string {
  return input.input_id.slice(input.input_id.lastIndexOf(':') + 1);
}

type Lookup = (ledger: string, id: string) => Promise<{ found: FoundLine; file: string }>;

async function derive(source: Source, ctx: InputContext, lookup: Lookup): Promise<Derived> {
  switch (source.type) {
    case 'ledger-record':
    case 'check-list': {
      const { found, file } = await lookup(source.ledger, source.id);
      const readFrom = file === source.ledger ? undefined : file;
      if (found.status === 'missing') return { status: 'missing', reason: found.reason, ...(readFrom ? { readFrom } : {}) };
      if (found.status === 'damaged') return { status: 'differs', reason: found.reason, ...(readFrom ? { readFrom } : {}) };
      if (source.type === 'ledger-record') return { status: 'read', digest: digestCanonical(found.value), value: found.value, ...(readFrom ? { readFrom } : {}) };
      const record = MutationVerificationRecord.safeParse(found.value);
      if (!record.success) return { status: 'differs', reason: `line ${found.line} of ${file} is not a valid verification record, so it has no check list` };
      return { status: 'read', digest: digestCanonical(checkList(record.data.checks)), ...(readFrom ? { readFrom } : {}) };
    }
    case 'file-bytes': {
      const read = readBoundedFile(source.path, MAX_DOCUMENT_FILE_BYTES);
      return read.ok ? { status: 'read', digest: sha256(read.bytes) } : unread(source.path, read);
    }
    case 'inline-patch':
      return inlinePatch(source.proposal);
    case 'json-file':
      return jsonFile(source.path);
    case 'command-output':
      return ctx.output === undefined ? { status: 'unverifiable', reason: source.reason } : { ...jsonFile(ctx.output), readFrom: ctx.output };
    case 'unknown':
      return { status: 'unverifiable', reason: source.reason };
  }
}

function jsonFile(path: string): Derived {
  const read = readBoundedFile(path, MAX_DOCUMENT_FILE_BYTES);
  if (!read.ok) return unread(path, read);
  try {
    const value: unknown = JSON.parse(read.bytes.toString('utf8'));
    return { status: 'read', digest: digestCanonical(value), value };
  } catch (e) {
    return { status: 'differs', reason: `${path} is not JSON (${(e as Error).message})` };
  }
}

function inlinePatch(proposal: string): Derived {
  const read = jsonFile(proposal);
  if (read.status !== 'read') return read;
  const patch = (read.value as { patch?: unknown } | null)?.patch;
  if (typeof patch !== 'string') return { status: 'differs', reason: `${proposal} has no inline patch (no string field "patch")` };
  return { status: 'read', digest: sha256(Buffer.from(patch, 'utf8')) };
}

function unread(path: string, read: { code: string; reason: string }): Derived {
  return { status: 'missing', reason: read.code === 'ENOENT' ? `${path} does not exist` : `${path} cannot be read: ${read.reason}` };
}

function itemOf(input: EvidenceInput, d: Derived): InputCheck {
  const stated = input.provenance.digest.value;
  const base = { id: input.input_id, kind: input.kind, source: input.provenance.source, ...(d.readFrom ? { read_from: d.readFrom } : {}), stated };
  if (d.status !== 'read') return { ...base, status: d.status, reason: d.reason };
  if (d.digest === stated) return { ...base, actual: d.digest, status: 'matched', reason: 'the re-derived digest equals the stated one' };
  return { ...base, actual: d.digest, status: 'differs', reason: `the re-derived digest is ${d.digest}, the bundle states ${stated}` };
}
