import { usageError } from '@autopoietic/core/cli-kit';

/**
 * `--metadata key=value` items -> a map. Split at the FIRST `=`, so values may contain `=`; a
 * repeated key keeps the last value; the value may be empty. An item with no `=` is a usage
 * error, and so is an empty key (`=v`, typically `--metadata "$KEY=v"` with KEY unset: the
 * reference stored it as the key "", which no reader can name; mutation-runner's propose refuses
 * it too) and the key `__proto__`: assigning it to an object is a
 * no-op and JSON readers (zod's record parse among them) drop it, so it could never be stored
 * as given. `constructor`, `toString` and the like are ordinary own keys and are kept.
 */
export function parseMetadata(items: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq < 0) {
      throw usageError('metadata-invalid', `metadata must be key=value, got ${JSON.stringify(item)}`, 'Write each annotation as --metadata key=value; the value may be empty (key=).');
    }
    const key = item.slice(0, eq);
    if (key === '') {
      throw usageError('metadata-invalid', `metadata must be key=value with a non-empty key, got ${JSON.stringify(item)}`, 'Put a name before the "=", e.g. --metadata ticket=OPS-12.');
    }
    if (key === '__proto__') {
      throw usageError('metadata-invalid', '--metadata key "__proto__" cannot be stored: JSON readers drop it', 'Choose another key, e.g. proto=...');
    }
    out[key] = item.slice(eq + 1);
  }
  return out;
}
