import { existsSync } from 'node:fs';
import { GateFailed, printErr, printJson, usageError } from '@autopoietic/core/cli-kit';
import { checkLedgerHealth, checkpointLedger, checkpointPathFor, NOT_READABLE, repairLedger, UNREADABLE_HINT, type LedgerHealth } from '@autopoietic/core/ledger';
import { checkpointTarget } from './checkpoint-target.js';
import { oneTarget, verifyTargets, type Target, type TargetFlags } from './targets.js';

/**
 * `ledger verify | repair | checkpoint`. Each prints its report first; a ledger that does not
 * verify then exits 1 with a one-line summary on stderr (the gate convention).
 */
export interface VerifyFlags extends TargetFlags {
  /** true: require the default checkpoint; a string: that checkpoint file. */
  checkpoint?: string | true;
}

export async function runVerify(flags: VerifyFlags): Promise<void> {
  const { targets, all, memoryDir } = verifyTargets(flags);
  if (all && typeof flags.checkpoint === 'string') {
    throw usageError('flags-conflict', '--checkpoint <file> names one checkpoint, so it needs --path or --kind', 'With --all, use --checkpoint without a value (each ledger\'s own <ledger>.checkpoint.json).');
  }
  const reports: LedgerHealth[] = [];
  for (const t of targets) reports.push(await checkLedgerHealth(t.path, t.schema, { checkpoint: checkpointFor(t, flags.checkpoint) }));
  const failing = reports.filter((r, i) => failed(r, targets[i]!));
  if (all) printJson({ memory_dir: memoryDir, status: overall(failing), ledgers: reports });
  else printJson(reports[0]);
  if (failing.length) throw new GateFailed(`ledger verify: ${failing.map(summary).join('; ')}`, failing.some((r) => r.status === 'unreadable') ? UNREADABLE_HINT : undefined);
}

/** `broken` when any ledger failed for its content; `unreadable` when the only failures are ledgers this user may not read. */
function overall(failing: LedgerHealth[]): 'ok' | 'broken' | 'unreadable' {
  if (!failing.length) return 'ok';
  return failing.every((r) => r.status === 'unreadable') ? 'unreadable' : 'broken';
}

export async function runRepair(flags: TargetFlags): Promise<void> {
  const t = oneTarget(flags, 'ledger repair');
  const outcome = await repairLedger(t.path, t.schema);
  printJson(outcome);
  // The verdict in one line on stderr, as a failing repair gives its own (the report is for tools).
  if (outcome.report.status === 'ok') printErr(`ledger repair: ${outcome.path}: ${outcome.repaired ? `moved the torn tail (line ${outcome.line}, ${outcome.bytes} bytes) to ${outcome.quarantine}` : 'nothing to repair (the ledger is intact)'}`);
  if (outcome.report.status !== 'ok') throw new GateFailed(`ledger repair: ${summary(outcome.report)} (only a torn tail is repaired automatically)`);
}

export async function runCheckpoint(flags: TargetFlags & { to?: string }): Promise<void> {
  const t = oneTarget(flags, 'ledger checkpoint');
  const opts = flags.to === undefined ? {} : { to: checkpointTarget(flags.to, t.path) };
  const { path, checkpoint } = await checkpointLedger(t.path, t.schema, opts);
  printJson({ ledger: t.path, checkpoint_path: path, checkpoint });
}

function checkpointFor(t: Target, flag: string | true | undefined): string | undefined {
  if (flag === undefined) return undefined; // the default checkpoint, when it exists
  // --checkpoint alone: the ledger's own checkpoint must exist (a ledger not created yet needs none).
  if (flag === true) return t.explicit || existsSync(t.path) ? checkpointPathFor(t.path) : undefined;
  return flag;
}

function failed(r: LedgerHealth, t: Target): boolean {
  return r.status === 'broken' || r.status === 'torn-tail' || r.status === 'unreadable' || (r.status === 'missing' && t.explicit);
}

function summary(r: LedgerHealth): string {
  if (r.status === 'missing') return `${r.path}: no such ledger`;
  if (r.status === 'unreadable') return `${r.path}: unreadable, ${NOT_READABLE} (${r.errno})`;
  const first = r.problems[0];
  return `${r.path}: ${r.status}, ${r.problems.length} problem(s)${first ? `, first at line ${first.line}: ${first.kind}` : ''}`;
}
