import { usageError } from '@autopoietic/core/cli-kit';

/**
 * `--metadata key=value` items -> a map. Split at the FIRST `=`, so values may contain `=`; a
 * repeated key keeps the last value; an empty key is allowed (as in the reference). An item
 * with no `=` is a usage error.
 */
export function parseMetadata(items: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq < 0) {
      throw usageError('metadata-invalid', `metadata must be key=value, got ${JSON.stringify(item)}`, 'Write each annotation as --metadata key=value; the value may be empty (key=).');
    }
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}
