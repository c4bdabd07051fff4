import { join } from 'node:path';
import type { z } from 'zod';
import type { ObservationConfig } from '@autopoietic/core/schemas';
import { loadCompiledValidator } from '@autopoietic/core/schemas/compiled';
import { MAX_SETTINGS_FILE_BYTES, readBoundedFile } from '@autopoietic/core/adapters';

/**
 * `<etc dir>/observation.json` (written by the observation NixOS module): project roots and the
 * shell-history default. A broken file is reported and ignored; it never stops observation.
 */
export interface ObservationConfigRead {
  path: string;
  present: boolean;
  valid: boolean;
  error?: string;
  config?: z.infer<typeof ObservationConfig>;
}

export async function readObservationConfig(etcDir: string): Promise<ObservationConfigRead> {
  const path = join(etcDir, 'observation.json');
  const read = readBoundedFile(path, MAX_SETTINGS_FILE_BYTES);
  if (!read.ok) return read.code === 'ENOENT' ? { path, present: false, valid: false } : { path, present: true, valid: false, error: `cannot be read (${read.reason})` };
  let json: unknown;
  try {
    json = JSON.parse(read.bytes.toString('utf8'));
  } catch (e) {
    return { path, present: true, valid: false, error: `not valid JSON: ${(e as Error).message}` };
  }
  // The compiled validator accepts exactly what the zod schema does; zod only words a refusal.
  const valid = await loadCompiledValidator('observation-config');
  if (valid?.(json)) return { path, present: true, valid: true, config: json as z.infer<typeof ObservationConfig> };
  const { ObservationConfig: schema } = await import('@autopoietic/core/schemas');
  const parsed = schema.safeParse(json);
  if (parsed.success) return { path, present: true, valid: true, config: parsed.data };
  const issue = parsed.error.issues[0];
  return { path, present: true, valid: false, error: `does not match observation-config: ${issue?.path.join('.') || '(root)'}: ${issue?.message}` };
}
