import { withLock } from '@autopoietic/core/ledger';

/**
 * install-plan --record, install-apply and install-revert runs that journal into one generation
 * ledger take turns. Each decides from the ledgers (and the target's files) before it acts; two
 * deciding at once both acted (concurrent applies of one plan all wrote and journaled, and a
 * loser's `failed` record became the plan's latest lineage although the target was installed;
 * concurrent --record runs each appended the "once only" planned record). The lock is
 * core's ledger lock (`<generations.jsonl>.install.lock`: a dead holder's lock is broken, a live
 * one waited for, then named in the error).
 */
export function withInstallLock<T>(generationsLedger: string, fn: () => Promise<T>): Promise<T> {
  return withLock(`${generationsLedger}.install`, fn);
}
