import { getLogger, printJson } from '@autopoietic/core/cli-kit';
import { newId, nowRfc3339 } from '@autopoietic/core/canonical';
import { appendRecord } from '@autopoietic/core/ledger';
import { addRecord, parseAdd, parseUpdate, retireRecord, updateRecord, type AddInput, type UpdateInput } from './edit.js';
import { loadRegistry } from './ledgers.js';
import { organPaths, type PathFlags } from './paths.js';

/**
 * add, update and retire: parse the flags (bad input: exit 2 before anything is read), check
 * them against the current registry (unknown/ambiguous/taken name: exit 2), then append ONE
 * new version through the ledger (validated, locked, chained, fsynced) and print it.
 */
export const ORGAN_ID_PREFIX = 'org';

export async function runAdd(flags: AddInput & PathFlags): Promise<void> {
  const fields = parseAdd(flags);
  const { registry: file } = organPaths(flags);
  const { registry } = await loadRegistry(file);
  const now = new Date();
  const added = addRecord(registry, fields, nowRfc3339(now), newId(ORGAN_ID_PREFIX, now));
  if (added.sharedSource.length > 0) {
    getLogger().warn(
      { organ: fields.name, source: fields.source, shared_with: added.sharedSource.map((o) => o.latest.name) },
      'another current organ has the same source: organ review will report both as duplicate',
    );
  }
  printJson(await appendRecord(file, 'organ', added.record));
}

export async function runUpdate(name: string, flags: UpdateInput & PathFlags): Promise<void> {
  const fields = parseUpdate(flags);
  const { registry: file } = organPaths(flags);
  const { registry } = await loadRegistry(file);
  const { record } = updateRecord(registry, name, fields, nowRfc3339());
  printJson(await appendRecord(file, 'organ', record));
}

export async function runRetire(name: string, flags: { reason: string; id?: string } & PathFlags): Promise<void> {
  const { registry: file } = organPaths(flags);
  const { registry } = await loadRegistry(file);
  const { record } = retireRecord(registry, name, flags.reason, flags.id, nowRfc3339());
  printJson(await appendRecord(file, 'organ', record));
}
