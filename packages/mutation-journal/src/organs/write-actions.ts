import { AosError, getLogger, printJson } from '@autopoietic/core/cli-kit';
import { newId, nowRfc3339 } from '@autopoietic/core/canonical';
import { appendRecord } from '@autopoietic/core/ledger';
import type { OrganRecord } from '@autopoietic/core/schemas';
import { addRecord, parseAdd, parseUpdate, retireRecord, updateRecord, type AddInput, type UpdateInput } from './edit.js';
import type { Registry } from './history.js';
import { loadRegistry, registrySize } from './ledgers.js';
import { organArgument } from './fields.js';
import { organCommand, organPaths, type PathFlags } from './paths.js';

/**
 * add, update and retire: parse the flags (bad input: exit 2 before anything is read), check
 * them against the current registry (unknown/ambiguous/taken name: exit 2), then append ONE
 * new version through the ledger (validated, locked, chained, fsynced) and print it.
 *
 * The new version is computed from a read of the registry, so the append is conditional: under
 * the ledger lock, the registry must still be the size it had when it was read (it is append-only,
 * so same size = nothing appended since). Otherwise another writer got in between, and the
 * version is computed again from the new registry (at most MAX_ATTEMPTS times): no lost update,
 * no duplicate add.
 */
export const ORGAN_ID_PREFIX = 'org';
const MAX_ATTEMPTS = 5;

export async function runAdd(flags: AddInput & PathFlags): Promise<void> {
  const fields = parseAdd(flags);
  const file = organPaths(flags).registry;
  printJson(
    await appendPlanned(file, (registry) => {
      const now = new Date();
      const added = addRecord(registry, fields, nowRfc3339(now), newId(ORGAN_ID_PREFIX, now));
      if (added.sharedSource.length > 0) {
        getLogger().warn(
          { organ: fields.name, source: fields.source, shared_with: added.sharedSource.map((o) => o.latest.name) },
          'another current module organ has the same source: organ review will report both as duplicate',
        );
      }
      return added.record;
    }),
  );
}

export async function runUpdate(name: string, flags: UpdateInput & PathFlags): Promise<void> {
  organArgument(name, 'update', () => organCommand('list', organPaths(flags).registry));
  const fields = parseUpdate(flags);
  const file = organPaths(flags).registry;
  printJson(await appendPlanned(file, (registry) => updateRecord(registry, name, fields, nowRfc3339(), file).record));
}

export async function runRetire(name: string, flags: { reason: string; id?: string } & PathFlags): Promise<void> {
  organArgument(name, 'retire', () => organCommand('list', organPaths(flags).registry));
  const file = organPaths(flags).registry;
  printJson(await appendPlanned(file, (registry) => retireRecord(registry, name, flags.reason, flags.id, nowRfc3339(), file).record));
}

class RegistryMoved extends Error {}

async function appendPlanned(file: string, plan: (registry: Registry) => OrganRecord) {
  for (let attempt = 1; ; attempt++) {
    const size = registrySize(file);
    const { registry } = await loadRegistry(file);
    const record = plan(registry);
    try {
      return await appendRecord(file, 'organ', record, {
        precondition: () => {
          if (registrySize(file) !== size) throw new RegistryMoved();
        },
      });
    } catch (e) {
      if (!(e instanceof RegistryMoved)) throw e;
      getLogger().debug({ registry: file, attempt }, 'registry changed while the new version was prepared; preparing it again');
      if (attempt >= MAX_ATTEMPTS) {
        throw new AosError('organ-registry-busy', `the organ registry ${file} changed ${MAX_ATTEMPTS} times while this change was prepared`, {
          hint: 'Another process is writing the registry continuously; run the command again when it is done.',
        });
      }
    }
  }
}
