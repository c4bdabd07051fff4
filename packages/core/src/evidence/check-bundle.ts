import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { MAX_DOCUMENT_FILE_BYTES, readBoundedFile } from '../adapters/bounded-read.js';
import { readFailure } from '../adapters/read-failure.js';
import { usageError } from '../cli-kit/errors.js';
import type { EvidenceBundle } from '../schemas/evidence.js';
import { checkBundle } from './assemble.js';
import { checkChains } from './check-chains.js';
import { deriveInputs, inputName } from './check-inputs.js';
import { checkLogs } from './check-logs.js';
import { compareParts, unverifiableParts } from './check-parts.js';
import { rebuildBundle } from './check-rebuild.js';
import { overallStatus, type BundleCheckReport } from './check-report.js';
import { isOutputRecord } from './check-sources.js';

export interface CheckBundleOptions {
  /** Read the ledgers (and the logs kept under them) from this directory instead of where the bundle says. */
  memoryDir?: string | undefined;
  /** The output of the command that wrote the bundle, if the caller kept it (its record input). */
  output?: string | undefined;
  cwd?: string | undefined;
}

const BUNDLE_HINT = 'Give the file a gate command wrote with --evidence-bundle (schema: memory/evidence-bundle.schema.json).';

/**
 * `evidence check`: re-derives every input of a bundle from what its source names, rebuilds what
 * the bundle restates from its record with the producing command's own builder and compares the
 * two part by part, checks every check log the cited records name, and the hash chain of each
 * ledger a record was read from up to that record (docs/evidence.md, "Checking a bundle"). Reads
 * only; a bad bundle file or flag is a usage error (exit 2).
 */
export async function checkEvidenceBundle(file: string, opts: CheckBundleOptions = {}): Promise<BundleCheckReport> {
  const cwd = opts.cwd ?? process.cwd();
  // Resolved, '' is the working directory: refused as runProgram refuses a blank place flag.
  if (file.trim() === '') throw usageError('argument-blank', 'the bundle path must not be empty', 'Give the path of an evidence bundle file.');
  const path = resolve(cwd, file);
  const bundle = loadBundle(path);
  const memoryDir = opts.memoryDir === undefined ? undefined : existingDirectory(resolve(cwd, opts.memoryDir));
  const output = opts.output === undefined ? undefined : outputFor(bundle, resolve(cwd, opts.output));
  const derived = await deriveInputs(bundle, { memoryDir, output });
  const why = new Map(bundle.inputs?.map((input, i) => [inputName(input), `${derived.checks[i]!.status}, ${derived.checks[i]!.reason}`]) ?? []);
  const rebuilt = rebuildBundle(bundle, derived.values, why);
  const parts = rebuilt.ok ? compareParts(bundle, rebuilt.bundle) : unverifiableParts(bundle, rebuilt.reason);
  const logs = checkLogs(derived.records, memoryDir);
  const ledgers = await checkChains(derived.ledgers);
  const { status, counts } = overallStatus([...derived.checks, ...parts, ...logs, ...ledgers]);
  return { bundle: path, bundle_id: bundle.bundle_id, phase: bundle.phase, status, counts, inputs: derived.checks, parts, logs, ledgers };
}

/** The bundle file, parsed and checked against the schema and the backing rule; anything else is a usage error. */
function loadBundle(path: string): EvidenceBundle {
  const read = readBoundedFile(path, MAX_DOCUMENT_FILE_BYTES);
  if (!read.ok) {
    throw usageError('evidence-bundle-unreadable', `evidence bundle ${path}: ${readFailure(read)}`, BUNDLE_HINT);
  }
  let value: unknown;
  try {
    value = JSON.parse(read.bytes.toString('utf8'));
  } catch (e) {
    throw usageError('evidence-bundle-invalid', `evidence bundle ${path} is not JSON: ${(e as Error).message}`, BUNDLE_HINT);
  }
  try {
    return checkBundle(value);
  } catch (e) {
    const message = (e as Error).message.replace(/^evidence bundle does not satisfy/, 'does not satisfy');
    throw usageError('evidence-bundle-invalid', `${path} is not an evidence bundle: ${message}`, `${BUNDLE_HINT} An edited bundle that no longer satisfies the schema cannot be checked; take the producer's copy, or derive it again by re-running the command.`);
  }
}

function existingDirectory(dir: string): string {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw usageError('memory-dir-invalid', `--memory-dir ${dir} is not a directory`, 'Give the directory that holds the ledgers the bundle cites (mutation-results.jsonl, ...), or leave the flag out to read them where the bundle says.');
  return dir;
}

/**
 * --output names the command output the bundle's record is: a stdout the caller kept, or a copy
 * of the report install-verify kept with its own --output (read instead of the path the bundle
 * names, as after moving it). A record that is a ledger line takes none.
 */
function outputFor(bundle: EvidenceBundle, output: string): string {
  const record = bundle.inputs?.find((i) => inputName(i) === 'record');
  if (!record || !isOutputRecord(record)) {
    throw usageError('flags-conflict', `--output applies to a bundle whose record is a command's output, and ${bundle.bundle_id}'s record is ${record ? `${record.kind} (${record.provenance.source})` : 'not given'}`, 'Leave --output out: this bundle\'s record is read from its ledger.');
  }
  const read = readBoundedFile(output, MAX_DOCUMENT_FILE_BYTES);
  if (!read.ok) throw usageError('output-unreadable', `--output ${output}: ${readFailure(read)}`, 'Give the file you saved the command\'s stdout to, or leave --output out (its record is then reported unverifiable).');
  return output;
}
