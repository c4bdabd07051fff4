import { existsSync } from 'node:fs';
import { GateFailed, printErr, printJson, usageError } from '@autopoietic/core/cli-kit';
import { checkLedgerHealth, checkpointLedger, checkpointPathFor, NOT_READABLE, repairLedger, UNREADABLE_HINT, type CheckpointFault, type LedgerHealth, type LedgerReport } from '@autopoietic/core/ledger';
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

/**
 * A ledger's verdict in `ledger verify`: its health, or, with `--all`, that its lines verify but
 * its checkpoint cannot be used (`checkpoint-invalid`: `checkpoint.reason` says why) or, with
 * `--checkpoint`, does not exist (`checkpoint-missing`); `checkpoint.hint` says how to fix it.
 */
type Verdict = LedgerHealth | (Omit<LedgerReport, 'status'> & { status: 'checkpoint-invalid' | 'checkpoint-missing' });

type Overall = 'ok' | 'broken' | 'unreadable' | 'checkpoint-invalid' | 'checkpoint-missing';

const CHECKPOINT_MISSING_HINT = 'Take each missing checkpoint with `mutation-journal ledger checkpoint --path <ledger>` once that ledger verifies (its checkpoint.hint in the report spells the command).';
const CHECKPOINT_FAULT_HINT = 'Fix each checkpoint that cannot be used as its checkpoint.hint in the report says (restore it, or move it aside and take a new one with `mutation-journal ledger checkpoint --path <ledger>`).';

export async function runVerify(flags: VerifyFlags): Promise<void> {
  const { targets, all, memoryDir } = verifyTargets(flags);
  if (all && typeof flags.checkpoint === 'string') {
    throw usageError('flags-conflict', '--checkpoint <file> names one checkpoint, so it needs --path or --kind', 'With --all, use --checkpoint without a value (each ledger\'s own <ledger>.checkpoint.json).');
  }
  // With --all, a ledger whose checkpoint is missing or cannot be used is one verdict among the
  // others, not the end of the run (one ledger's checkpoint stopped the check of the rest); a
  // single ledger named by --path or --kind is refused with its error[checkpoint-*], as before.
  const reports: Verdict[] = [];
  for (const t of targets) reports.push(verdict(await checkLedgerHealth(t.path, t.schema, { checkpoint: checkpointFor(t, flags.checkpoint), reportCheckpointProblems: all })));
  const failing = reports.filter((r, i) => failed(r, targets[i]!));
  if (all) printJson({ memory_dir: memoryDir, status: overall(failing), ledgers: reports });
  else printJson(reports[0]);
  if (failing.length) throw new GateFailed(`ledger verify: ${failing.map(summary).join('; ')}`, failureHint(failing));
}

/** A ledger whose lines are fine (or not there yet) takes its status from a checkpoint problem; a damaged one keeps its own. */
function verdict(r: LedgerHealth): Verdict {
  if (r.status !== 'ok' && r.status !== 'missing') return r;
  if (r.checkpoint?.status === 'missing') return { ...r, status: 'checkpoint-missing' };
  return checkpointFault(r) ? { ...r, status: 'checkpoint-invalid' } : r;
}

function checkpointFault(r: Verdict): CheckpointFault | undefined {
  return r.checkpoint && 'reason' in r.checkpoint ? r.checkpoint : undefined;
}

/** The worst failure first: damage, then ledgers this user may not read, then checkpoints that cannot be used, then missing ones. */
const RANK: readonly Overall[] = ['broken', 'unreadable', 'checkpoint-invalid', 'checkpoint-missing'];

function overall(failing: Verdict[]): Overall {
  if (!failing.length) return 'ok';
  // Any other failure (broken, torn-tail, a ledger named that does not exist) is damage: broken.
  const statuses = new Set<Overall>(failing.map((r) => (RANK.includes(r.status as Overall) ? (r.status as Overall) : 'broken')));
  return RANK.find((s) => statuses.has(s))!;
}

function failureHint(failing: Verdict[]): string | undefined {
  const hints = [
    ...(failing.some((r) => r.status === 'unreadable') ? [UNREADABLE_HINT] : []),
    ...(failing.some((r) => checkpointFault(r)) ? [CHECKPOINT_FAULT_HINT] : []),
    ...(failing.some((r) => r.checkpoint?.status === 'missing') ? [CHECKPOINT_MISSING_HINT] : []),
  ];
  return hints.length ? hints.join(' ') : undefined;
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

function failed(r: Verdict, t: Target): boolean {
  if (r.checkpoint?.status === 'missing' || checkpointFault(r)) return true;
  return r.status === 'broken' || r.status === 'torn-tail' || r.status === 'unreadable' || (r.status === 'missing' && t.explicit);
}

function summary(r: Verdict): string {
  const noCheckpoint = r.checkpoint?.status === 'missing' ? `no checkpoint ${r.checkpoint.path}` : checkpointFault(r)?.reason;
  if (r.status === 'checkpoint-missing' || r.status === 'checkpoint-invalid') return `${r.path}: ${noCheckpoint}`;
  if (r.status === 'missing') return `${r.path}: no such ledger`;
  if (r.status === 'unreadable') return `${r.path}: unreadable, ${NOT_READABLE} (${r.errno})`;
  const first = r.problems[0];
  return `${r.path}: ${r.status}, ${r.problems.length} problem(s)${first ? `, first at line ${first.line}: ${first.kind}` : ''}${noCheckpoint ? `, ${noCheckpoint}` : ''}`;
}
