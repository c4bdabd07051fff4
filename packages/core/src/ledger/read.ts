import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { AosError } from '../cli-kit/errors.js';
import { getLogger } from '../cli-kit/logger.js';
import { shellQuote } from '../cli-kit/shell-quote.js';
import { SCHEMAS } from '../schemas/registry.js';
import type { StoredRecord } from './append.js';
import { chainOf } from './chain.js';
import { checkLedgerFile } from './ledger-file.js';
import { afterBom, bomCause, startsWithBom } from './line-marks.js';
import { LineTooLong, scanLines, type RawLine } from './lines.js';
import { waitWhileLocked } from './lock.js';
import { describeIssues, schemaForFileName, type LedgerSchemaName } from './validate.js';

export interface ReadOptions {
  /**
   * What to do with a torn final line (no trailing newline, or an unparsable last line): its
   * append never returned, so by default it is skipped with a warning; 'error' refuses instead.
   * An append still in flight (see appendInFlight) is neither: its record is not there yet.
   */
  tornTail?: 'skip' | 'error';
  /** Skip a torn tail without the warning (a caller reading the same ledger twice warns once). */
  quiet?: boolean;
  /**
   * Receives each line the read left out (a torn final line), so that a command can say in its
   * output that the view is incomplete: a warning on stderr alone is lost to a script reading
   * stdout. A command whose output has no room for the note refuses instead (tornTail 'error').
   */
  skipped?: SkippedLine[];
}

/** A line a reader left out of the records it returned. */
export interface SkippedLine {
  ledger: string;
  /** 1-based physical line number. */
  line: number;
  kind: 'torn-tail';
  /** One line for an output's `limits`: what was skipped and how to fix it. */
  message: string;
}

export interface ReadEntry<N extends LedgerSchemaName> {
  /** 1-based physical line number in the file. */
  line: number;
  record: StoredRecord<N>;
}

/**
 * Streams the records of a ledger in file order, validating each against its schema. A missing
 * file has no records. Blank lines are skipped. A malformed or invalid line (other than a torn
 * last line) is an error naming `file:line`. Memory use does not grow with the ledger.
 */
export async function* readRecords<N extends LedgerSchemaName>(
  file: string,
  schemaName: N,
  opts: ReadOptions = {},
): AsyncGenerator<ReadEntry<N>> {
  const path = resolve(file);
  checkLedgerFile(path);
  const schema = SCHEMAS[schemaName];
  let pending: RawLine | undefined; // an unparsable line that is torn if nothing follows it
  try {
    for await (const batch of scanLines(path)) {
      for (const raw of batch) {
        if (raw.blank) continue;
        if (pending) throw malformed(path, pending.no, 'is not valid JSON');
        const value = parseLine(raw);
        // A complete line an editor prefixed with a BOM is not a torn tail to skip: name it.
        if (value === undefined && raw.terminated && startsWithBom(raw.bytes)) throw byteOrderMark(path, raw);
        if (value === undefined || !raw.terminated) {
          pending = raw;
          continue;
        }
        if (!chainOf(value)) throw malformed(path, raw.no, 'has no valid `chain` link (it was not appended through the ledger)');
        const result = schema.safeParse(value);
        if (!result.success) throw invalid(path, raw.no, schemaName, describeIssues(result.error));
        yield { line: raw.no, record: result.data as StoredRecord<N> };
      }
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    if (e instanceof LineTooLong) throw malformed(path, e.no, e.message.replace(/^line \d+ /, ''));
    throw e;
  }
  if (pending) {
    // Only a BOM (an editor created the file empty, as 'UTF-8 with BOM'): no append was torn here.
    if (startsWithBom(pending.bytes) && afterBom(pending.bytes) === 'nothing') throw byteOrderMark(path, pending);
    if (opts.quiet && opts.tornTail !== 'error' && !opts.skipped) return;
    // An append mid-write (see verifyLedger) is not torn: its record is simply not read yet.
    if (await appendInFlight(path, pending)) return;
    if (opts.tornTail === 'error') throw tornTail(path, pending.no);
    opts.skipped?.push(skippedTail(path, pending.no));
    if (!opts.quiet) getLogger().warn({ ledger: path, line: pending.no }, 'skipping a torn final line (an append that never completed); run `mutation-journal ledger repair` to quarantine it');
  }
}

function skippedTail(path: string, line: number): SkippedLine {
  const message = `${path}: line ${line}, a torn final line (an append that never completed), was skipped; quarantine it with \`mutation-journal ledger repair --path ${shellQuote(path)}\``;
  return { ledger: path, line, kind: 'torn-tail', message };
}

/** The file grew past the unterminated line, or a live writer holds the lock (not waited for). */
async function appendInFlight(path: string, line: RawLine): Promise<boolean> {
  try {
    if (statSync(path).size > line.offset + line.bytes.length + (line.terminated ? 1 : 0)) return true;
  } catch {
    return false;
  }
  return (await waitWhileLocked(path, { timeoutMs: 0 })) !== 'free';
}

/** All records of a ledger (missing file: []). Prefer readRecords for large ledgers. */
export async function loadRecords<N extends LedgerSchemaName>(file: string, schemaName: N, opts: ReadOptions = {}): Promise<StoredRecord<N>[]> {
  const out: StoredRecord<N>[] = [];
  for await (const { record } of readRecords(file, schemaName, opts)) out.push(record);
  return out;
}

function parseLine(raw: RawLine): unknown {
  try {
    return JSON.parse(raw.bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

function malformed(path: string, line: number, what: string): AosError {
  return new AosError('ledger-malformed', `${path}:${line}: line ${what}`, {
    hint: `Run \`mutation-journal ledger verify --path ${shellQuote(path)}\` for a full report. Ledger lines must only be written by the tools.`,
    details: { path, line },
  });
}

function byteOrderMark(path: string, raw: RawLine): AosError {
  const { what, fix } = bomCause(path, raw.no, afterBom(raw.bytes));
  return new AosError('ledger-byte-order-mark', `${path}:${raw.no}: ${what}`, { hint: fix, details: { path, line: raw.no } });
}

function invalid(path: string, line: number, schemaName: string, issues: string[]): AosError {
  // A file named as another kind's ledger (`organ list --path memory/mutations.jsonl`) is the
  // wrong file, not a damaged one: `ledger verify` of it, which checks it as what its name says,
  // reports it ok.
  const named = schemaForFileName(basename(path));
  const hint =
    named !== undefined && named !== schemaName
      ? `That file name is the ${named} ledger's: point the ledger option at the ${schemaName} ledger instead.`
      : `Run \`mutation-journal ledger verify --path ${shellQuote(path)}\`; the line does not match memory/${schemaName}.schema.json.`;
  return new AosError('ledger-record-invalid', `${path}:${line}: not a valid ${schemaName} record: ${issues.join('; ')}`, { hint, details: { path, line, issues } });
}

function tornTail(path: string, line: number): AosError {
  return new AosError('ledger-torn-tail', `${path}:${line}: the last line is incomplete (an interrupted append)`, {
    hint: `Quarantine it with \`mutation-journal ledger repair --path ${shellQuote(path)}\` (it moves the line to a quarantine file; nothing is deleted).`,
    details: { path, line },
  });
}
