import { printJson } from '@autopoietic/core/cli-kit';
import { appendRecord } from '@autopoietic/core/ledger';
import { ledgerFile, type LocationFlags } from './locate.js';
import { effectFromFlags, generationFromFlags, mutationFromFlags, type AppendFlags, type EffectFlags, type GenerationFlags } from './records.js';

/**
 * `append`, `effect`, `generation`: build the record from the flags (bad input: exit 2 before
 * any file is touched), append it through the ledger (validated, locked, chained, fsynced) and
 * print it as stored.
 */
export async function runAppend(flags: AppendFlags & LocationFlags): Promise<void> {
  const record = mutationFromFlags(flags);
  printJson(await appendRecord(ledgerFile('mutations', flags), 'mutation', record));
}

export async function runEffect(flags: EffectFlags & LocationFlags): Promise<void> {
  const record = effectFromFlags(flags);
  printJson(await appendRecord(ledgerFile('effects', flags), 'effect', record));
}

export async function runGeneration(flags: GenerationFlags & LocationFlags): Promise<void> {
  const record = generationFromFlags(flags);
  printJson(await appendRecord(ledgerFile('generations', flags), 'generation', record));
}
