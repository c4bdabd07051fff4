import { describeCompiledError, loadCompiledValidator, type CompiledValidator } from '../schemas/compiled/index.js';
import type { LedgerSchemaName } from './validate.js';

/**
 * How `ledger verify` checks a line against its record schema. The compiled validator (generated
 * from the committed JSON Schema, equal to zod by test) decides, several times faster than zod;
 * zod only explains a refused line, in the words the rest of the project uses. A schema with a
 * rule only zod can check has no compiled validator and is checked with zod throughout.
 */
export interface RecordCheck {
  accepts(value: unknown): boolean;
  /** zod's issues for a refused value; absent where zod is not loaded (a verify worker explains later, see explainLater). */
  explain?: (value: unknown) => string[];
}

/** The check of a schema; `explain` is included unless `withZod` is false and it would be the only reason to load zod. */
export async function recordCheck(schema: LedgerSchemaName | null, withZod = true): Promise<RecordCheck | null> {
  if (!schema) return null;
  const compiled = await loadCompiledValidator(schema);
  if (compiled && !withZod) return { accepts: (v) => compiled(v) };
  const explain = await zodExplainer(schema);
  if (!compiled) return { accepts: (v) => explain(v).length === 0, explain };
  // A compiled refusal stands even if zod finds nothing (a test keeps the two equal): it is then
  // worded by the compiled validator.
  return { accepts: (v) => compiled(v), explain: (v) => explainRefusal(explain(v), compiled) };
}

function explainRefusal(fromZod: string[], compiled: CompiledValidator): string[] {
  return fromZod.length ? fromZod : [describeCompiledError(compiled)];
}

/** zod's issues for a value (empty when zod accepts it), loading zod on first use. */
async function zodExplainer(schema: LedgerSchemaName): Promise<(value: unknown) => string[]> {
  const [{ SCHEMAS }, { describeIssues }] = await Promise.all([import('../schemas/registry.js'), import('../schemas/issues.js')]);
  const zod = SCHEMAS[schema];
  return (value) => {
    const r = zod.safeParse(value);
    return r.success ? [] : describeIssues(r.error);
  };
}
