import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { ObservationConfig } from '@autopoietic/core/schemas';
import { errCode } from '../walk.js';

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

export function readObservationConfig(etcDir: string): ObservationConfigRead {
  const path = join(etcDir, 'observation.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = errCode(e);
    return code === 'ENOENT' ? { path, present: false, valid: false } : { path, present: true, valid: false, error: `cannot read (${code})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { path, present: true, valid: false, error: `not valid JSON: ${(e as Error).message}` };
  }
  const parsed = ObservationConfig.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { path, present: true, valid: false, error: `does not match observation-config: ${issue?.path.join('.') || '(root)'}: ${issue?.message}` };
  }
  return { path, present: true, valid: true, config: parsed.data };
}
