import { existsSync } from 'node:fs';
import { GateFailed, printJson, usageError } from '@autopoietic/core/cli-kit';
import { checkpointLedger, checkpointPathFor, repairLedger, verifyLedger, type LedgerReport } from '@autopoietic/core/ledger';
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
  const reports: LedgerReport[] = [];
  for (const t of targets) reports.push(await verifyLedger(t.path, t.schema, { checkpoint: checkpointFor(t, flags.checkpoint) }));
  const failing = reports.filter((r, i) => failed(r, targets[i]!));
  if (all) printJson({ memory_dir: memoryDir, status: failing.length ? 'broken' : 'ok', ledgers: reports });
  else printJson(reports[0]);
  if (failing.length) throw new GateFailed(`ledger verify: ${failing.map(summary).join('; ')}`);
}

export async function runRepair(flags: TargetFlags): Promise<void> {
  const t = oneTarget(flags, 'ledger repair');
  const outcome = await repairLedger(t.path, t.schema);
  printJson(outcome);
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

function failed(r: LedgerReport, t: Target): boolean {
  return r.status === 'broken' || r.status === 'torn-tail' || (r.status === 'missing' && t.explicit);
}

function summary(r: LedgerReport): string {
  if (r.status === 'missing') return `${r.path}: no such ledger`;
  const first = r.problems[0];
  return `${r.path}: ${r.status}, ${r.problems.length} problem(s)${first ? `, first at line ${first.line}: ${first.kind}` : ''}`;
}
