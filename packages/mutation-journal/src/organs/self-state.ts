import { MAX_DOCUMENT_FILE_BYTES, readBoundedFile, selfStateUnreadable } from '@autopoietic/core/adapters';
import { usageError } from '@autopoietic/core/cli-kit';
import { ORGAN_TYPES } from '@autopoietic/core/vocab';
import { z } from 'zod';
import type { OrganType } from './fields.js';

/**
 * The part of an os-introspect self-state that `organ suggest --self-state` reads:
 *
 *   { "genome": { "organs": [ { "name": "...", "type": "...", "source": "..." }, ... ] } }
 *
 * Other keys (of the document and of each entry) are ignored, so newer self-states still work.
 * A document without `genome.organs` is accepted and reported as a limit. `type` is mapped to an
 * organ type by `inferOrganType`; `source` is the path of the defining file, relative to the
 * genome root.
 */
export interface GenomeOrgan {
  name: string;
  type: string;
  source: string;
}

const Entry = z.looseObject({
  name: z.string().regex(/\S/, 'must not be blank'),
  type: z.string().regex(/\S/, 'must not be blank'),
  source: z.string().regex(/\S/, 'must not be blank'),
});
const Doc = z.looseObject({
  genome: z.looseObject({ organs: z.array(Entry).optional() }),
});

export interface LoadedSelfState {
  organs: GenomeOrgan[] | undefined;
}

export async function loadSelfState(file: string): Promise<LoadedSelfState> {
  // Only a regular file within the document limit: /dev/zero was read until the string grew too
  // long, and a FIFO waited for a writer for ever (as handoff --self-state already refuses).
  const read = readBoundedFile(file, MAX_DOCUMENT_FILE_BYTES);
  if (!read.ok) throw selfStateUnreadable(file, read);
  const text = read.bytes.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw usageError('self-state-invalid', `--self-state ${file} is not valid JSON: ${(e as Error).message}`,
      'Pass the JSON document os-introspect printed.');
  }
  const parsed = Doc.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : '(document)';
    throw usageError('self-state-invalid', `--self-state ${file}: ${where}: ${issue.message}`,
      'Expected an os-introspect self-state with genome.organs entries {name, type, source}.');
  }
  const organs = parsed.data.genome.organs;
  return { organs: organs?.map((o) => ({ name: o.name.trim(), type: o.type.trim(), source: o.source.trim() })) };
}

/** Self-state kinds (any case, with or without dashes, singular or plural) -> organ type. */
const ALIASES: Record<string, OrganType> = {
  module: 'nixos-module',
  nixosmodule: 'nixos-module',
  homemodule: 'home-manager-module',
  homemanagermodule: 'home-manager-module',
  package: 'package',
  service: 'systemd-service',
  systemdservice: 'systemd-service',
  timer: 'systemd-timer',
  systemdtimer: 'systemd-timer',
  devshell: 'dev-shell',
  shell: 'dev-shell',
  cli: 'cli',
  app: 'cli',
  overlay: 'overlay',
  tmptool: 'tmp-tool',
};

export function inferOrganType(kind: string): OrganType | undefined {
  if ((ORGAN_TYPES as readonly string[]).includes(kind)) return kind as OrganType;
  const k = kind.toLowerCase().replace(/[^a-z]/g, '');
  return ALIASES[k] ?? ALIASES[k.replace(/s$/, '')];
}
