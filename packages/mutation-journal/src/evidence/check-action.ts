import { GateFailed, printErr, printJson } from '@autopoietic/core/cli-kit';
import { checkEvidenceBundle, ITEM_STATUSES, type BundleCheckReport, type CheckedItem } from '@autopoietic/core/evidence';

/**
 * `evidence check`: the report on stdout, then a short verdict on stderr; a bundle with anything
 * that differs or is missing exits 1 after its report is printed (the gate convention).
 */
export async function runEvidenceCheck(bundle: string, flags: { memoryDir?: string; output?: string }): Promise<void> {
  const report = await checkEvidenceBundle(bundle, flags);
  printJson(report);
  const line = `evidence check: ${report.bundle_id}: ${report.status} (${counts(report)})`;
  if (report.status !== 'failed') {
    printErr(line);
    for (const item of items(report).filter((i) => i.status === 'unverifiable')) printErr(`  unverifiable ${item.id}: ${item.reason}`);
    return;
  }
  const bad = items(report).filter((i) => i.status === 'differs' || i.status === 'missing');
  for (const item of bad.slice(0, 10)) printErr(`  ${item.status} ${item.id}: ${item.reason}`);
  if (bad.length > 10) printErr(`  ... and ${bad.length - 10} more in the report`);
  throw new GateFailed(line, 'The ledgers and the logs they name are the record: a bundle that differs was edited, or what it cites changed since; `mutation-journal ledger verify` names every problem of a ledger.');
}

function items(r: BundleCheckReport): CheckedItem[] {
  return [...r.inputs, ...r.parts, ...r.logs, ...r.ledgers];
}

function counts(r: BundleCheckReport): string {
  return ITEM_STATUSES.filter((s) => r.counts[s] > 0)
    .map((s) => `${r.counts[s]} ${s}`)
    .join(', ');
}
