import { join } from 'node:path';
import { usageError } from '@autopoietic/core/cli-kit';
import type { LedgerSchemaName } from '@autopoietic/core/ledger';
import { LEDGERS, type LedgerKind } from '@autopoietic/core/schemas';
import { ledgerFile, memoryDir, type LocationFlags } from './locate.js';

/** Which ledgers a `ledger` or `list` command works on. */
export interface Target {
  kind: LedgerKind | undefined;
  path: string;
  schema: LedgerSchemaName | undefined;
  /** Named by --path: a missing file is then an error, not an empty ledger. */
  explicit: boolean;
}

export interface TargetFlags extends LocationFlags {
  kind?: string;
  all?: boolean;
}

export const LEDGER_KINDS = Object.keys(LEDGERS) as LedgerKind[];

export function parseKind(value: string, flag = '--kind'): LedgerKind {
  if ((LEDGER_KINDS as string[]).includes(value)) return value as LedgerKind;
  throw usageError('kind-unknown', `${flag}: unknown ledger kind ${JSON.stringify(value)}; allowed: ${LEDGER_KINDS.join(', ')}`, `Use one of: ${LEDGER_KINDS.join(', ')}.`);
}

/** One ledger: --path (with --kind naming its record type) or --kind alone. */
export function oneTarget(flags: TargetFlags, command: string): Target {
  if (flags.all) throw usageError('flags-conflict', `${command} works on one ledger: --all is not accepted`, 'Name the ledger with --path or --kind.');
  if (flags.path === undefined && flags.kind === undefined) {
    throw usageError('ledger-unnamed', `${command} needs --path <file> or --kind <kind>`, `Kinds: ${LEDGER_KINDS.join(', ')}.`);
  }
  const kind = flags.kind === undefined ? undefined : parseKind(flags.kind);
  const path = kind ? ledgerFile(kind, flags) : ledgerFile('mutations', flags); // --path given: the kind only picks a default
  return { kind, path, schema: kind ? LEDGERS[kind].schema : undefined, explicit: flags.path !== undefined };
}

/** `ledger verify`: --path/--kind for one ledger, --all (the default) for every default ledger. */
export function verifyTargets(flags: TargetFlags): { targets: Target[]; all: boolean; memoryDir?: string } {
  if (flags.all && (flags.path !== undefined || flags.kind !== undefined)) {
    throw usageError('flags-conflict', '--all cannot be combined with --path or --kind', 'Use --all alone, or name one ledger.');
  }
  if (flags.path !== undefined || flags.kind !== undefined) return { targets: [oneTarget(flags, 'ledger verify')], all: false };
  const dir = memoryDir(flags);
  const targets = LEDGER_KINDS.map((kind) => ({ kind, path: join(dir, LEDGERS[kind].file), schema: LEDGERS[kind].schema, explicit: false }));
  return { targets, all: true, memoryDir: dir };
}
