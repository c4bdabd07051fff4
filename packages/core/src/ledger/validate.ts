import { basename } from 'node:path';
import type { z } from 'zod';
import { AosError } from '../cli-kit/errors.js';
import { describeIssues } from '../schemas/issues.js';
import { LEDGERS, SCHEMAS, type LedgerKind, type SchemaName } from '../schemas/registry.js';

export { describeIssues };

/** The schema names of ledger lines (every one of them accepts the optional `chain`). */
export type LedgerSchemaName = (typeof LEDGERS)[LedgerKind]['schema'];
export type RecordOf<N extends SchemaName> = z.output<(typeof SCHEMAS)[N]>;

const LEDGER_SCHEMAS = new Set<string>(Object.values(LEDGERS).map((l) => l.schema));

export function isLedgerSchema(name: string): name is LedgerSchemaName {
  return LEDGER_SCHEMAS.has(name);
}

/** The ledger schema for a file name such as `mutations.jsonl`, when it is a default one. */
export function schemaForFileName(fileName: string): LedgerSchemaName | undefined {
  for (const l of Object.values(LEDGERS)) if (l.file === fileName) return l.schema;
  return undefined;
}

/**
 * Validates a record before it is appended. An invalid record is a usage error (exit 2): the
 * caller handed over something the ledger must not hold, and nothing is written.
 */
export function validateForAppend<N extends LedgerSchemaName>(file: string, schemaName: N, record: unknown): RecordOf<N> {
  // A file named as another kind's ledger (append --path organs.jsonl) would be broken by it for
  // every reader of that kind; a name of one's own choosing is fine.
  const named = schemaForFileName(basename(file));
  if (named !== undefined && named !== schemaName) {
    // "an organ record", "an effect record": it said "a organ record".
    const article = /^[aeiou]/.test(schemaName) ? 'an' : 'a';
    throw new AosError('ledger-kind-mismatch', `refusing to append ${article} ${schemaName} record to ${file}: that file name is the ${named} ledger's`, {
      exit: 2,
      hint: `Point the ledger option at the ${schemaName} ledger (or at a file of another name). Nothing was written.`,
    });
  }
  const result = SCHEMAS[schemaName].safeParse(record);
  if (!result.success) {
    const issues = describeIssues(result.error);
    throw new AosError('record-invalid', `refusing to append an invalid ${schemaName} record to ${file}: ${issues.join('; ')}`, {
      exit: 2,
      hint: `Fix the fields named above; the record must match memory/${schemaName}.schema.json. Nothing was written.`,
      details: { issues },
    });
  }
  return result.data as RecordOf<N>;
}
