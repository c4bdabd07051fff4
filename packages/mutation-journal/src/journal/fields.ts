import { usageError } from '@autopoietic/core/cli-kit';
import { SCHEMAS, describeIssues, type SchemaName } from '@autopoietic/core/schemas';

/** A required text flag: refused (exit 2) when empty or only whitespace. */
export function text(flag: string, value: string): string {
  if (value.trim() === '') throw usageError('flag-blank', `${flag} must not be blank`, `Give ${flag} a value with visible text.`);
  return value;
}

/** An optional text flag: absent stays undefined; given but blank is refused. */
export function optionalText(flag: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : text(flag, value);
}

/** A repeatable flag whose items must not be blank. */
export function textList(flag: string, values: readonly string[] | undefined): string[] {
  return (values ?? []).map((v) => text(flag, v));
}

/**
 * Checks a record built from flags against its schema before anything is opened, naming the
 * flag behind each bad field (`status` -> `--status`). Exit 2, nothing appended.
 */
export function checkRecord(schema: SchemaName, record: object, flagOf: Record<string, string>): void {
  const result = SCHEMAS[schema].safeParse(record);
  if (result.success) return;
  const issues = describeIssues(result.error).map((line) => {
    const field = line.slice(0, line.indexOf(':')).split('.')[0] ?? '';
    const flag = flagOf[field] ?? `--${field.replaceAll('_', '-')}`;
    return `${flag} (${line})`;
  });
  throw usageError('flag-invalid', `invalid ${schema} record: ${issues.join('; ')}`, 'Fix the flags named above; nothing was appended.');
}
