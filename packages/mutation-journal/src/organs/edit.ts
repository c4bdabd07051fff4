import { shellQuote, usageError } from '@autopoietic/core/cli-kit';
import { SCHEMA_VERSION, type OrganRecord } from '@autopoietic/core/schemas';
import { count, decayStatus, goals, nonBlank, organName, organSource, organType, unsettable, type Unsettable } from './fields.js';
import { currentOrgans, findCurrent, type Organ, type Registry } from './history.js';
import { moduleSourceKey, organKey, quotedName } from './names.js';

/**
 * Builds the registry lines for add, update and retire. Parsing (`parse*`) needs only the flags,
 * so bad input fails before the registry is read; the `*Record` functions check the input
 * against the current registry and return the full new version to append.
 */
export interface RawFields {
  type?: string;
  source?: string;
  purpose?: string;
  createdBy?: string;
  usageCount?: string;
  failureCount?: string;
  relatedGoal?: string[];
  decayStatus?: string;
}
type Fields = Partial<Omit<OrganRecord, 'schema_version' | 'organ_id' | 'recorded_at' | 'event' | 'name' | 'retired' | 'retired_reason'>>;

function parseFields(raw: RawFields): Fields {
  const f: Fields = {};
  if (raw.type !== undefined) f.type = organType(raw.type);
  if (raw.source !== undefined) f.source = organSource(raw.source, '--source');
  if (raw.purpose !== undefined) f.purpose = nonBlank('purpose', raw.purpose, '--purpose');
  if (raw.createdBy !== undefined) f.created_by = nonBlank('created_by', raw.createdBy, '--created-by');
  if (raw.usageCount !== undefined) f.usage_count = count('--usage-count', raw.usageCount);
  if (raw.failureCount !== undefined) f.failure_count = count('--failure-count', raw.failureCount);
  if (raw.relatedGoal !== undefined && raw.relatedGoal.length > 0) f.related_goals = goals(raw.relatedGoal);
  if (raw.decayStatus !== undefined) f.decay_status = decayStatus(raw.decayStatus);
  return f;
}

export interface AddInput extends RawFields {
  name: string;
  type: string;
  source: string;
  purpose: string;
}
export type AddFields = Fields & Pick<OrganRecord, 'name' | 'type' | 'source' | 'purpose'>;

export function parseAdd(raw: AddInput): AddFields {
  const name = organName(raw.name, '--name');
  return { ...parseFields(raw), name } as AddFields;
}

export interface Added {
  record: OrganRecord;
  /** Current module organs of the new module organ's source (review will call them all duplicates). */
  sharedSource: Organ[];
}

export function addRecord(reg: Registry, fields: AddFields, now: string, organId: string): Added {
  const taken = currentOrgans(reg).find((o) => o.key === organKey(fields.name));
  if (taken) {
    throw usageError('organ-exists', `organ ${quotedName(taken.latest.name)} is already registered (${taken.id})`,
      `Change it with \`${updateCommand(taken.latest.name)}\`, or retire it first.`);
  }
  const record: OrganRecord = { schema_version: SCHEMA_VERSION, organ_id: organId, recorded_at: now, event: 'add', ...fields };
  const src = moduleSourceKey(fields.type, fields.source);
  return { record, sharedSource: src === undefined ? [] : currentOrgans(reg).filter((o) => moduleSourceKey(o.latest.type, o.latest.source) === src) };
}

/**
 * `organ update` for a name, as a command to paste: the name shell-quoted (names may hold spaces
 * and quotes), and after `--` when it starts with a dash, which commander would take for a flag.
 */
export function updateCommand(name: string): string {
  const arg = shellQuote(name);
  return name.startsWith('-') ? `mutation-journal organ update ... -- ${arg}` : `mutation-journal organ update ${arg} ...`;
}

export interface UpdateInput extends RawFields {
  id?: string;
  rename?: string;
  unset?: string[];
}
export interface UpdateFields {
  id?: string;
  rename?: string;
  set: Fields;
  unset: Unsettable[];
}

export function parseUpdate(raw: UpdateInput): UpdateFields {
  const set = parseFields(raw);
  const unset = unsettable(raw.unset ?? []);
  const both = unset.filter((f) => f in set);
  if (both.length > 0) {
    throw usageError('organ-update-conflict', `--unset ${both[0]} conflicts with the flag that sets it`, 'Either set the field or unset it.');
  }
  const out: UpdateFields = { set, unset };
  if (raw.id !== undefined) out.id = nonBlank('id', raw.id, '--id');
  if (raw.rename !== undefined) out.rename = organName(raw.rename, '--rename');
  if (Object.keys(set).length === 0 && unset.length === 0 && out.rename === undefined) {
    throw usageError('organ-update-empty', 'organ update needs at least one change',
      'Pass a field flag (--type, --source, --purpose, --usage-count, ...), --rename or --unset.');
  }
  return out;
}

/** `registry`: the file `reg` was read from, for the hints' commands (findCurrent). */
export function updateRecord(reg: Registry, name: string, u: UpdateFields, now: string, registry?: string): { record: OrganRecord; organ: Organ } {
  const organ = editable(reg, name, u.id, 'update', registry);
  const next: OrganRecord = { ...versionBase(organ), recorded_at: now, event: 'update', ...u.set };
  for (const f of u.unset) delete next[f];
  if (u.rename !== undefined) {
    if (organ.latest.organ_id === undefined) {
      throw usageError('organ-rename-legacy', `organ ${quotedName(organ.latest.name)} has no organ_id, so it cannot be renamed`,
        'Retire it and add it again under the new name.');
    }
    const clash = currentOrgans(reg).find((o) => o !== organ && o.key === organKey(u.rename!));
    if (clash) throw usageError('organ-exists', `organ ${quotedName(clash.latest.name)} is already registered (${clash.id})`, 'Pick another name.');
    next.name = u.rename;
  }
  return { record: next, organ };
}

export function retireRecord(reg: Registry, name: string, reason: string, id: string | undefined, now: string, registry?: string): { record: OrganRecord; organ: Organ } {
  const why = nonBlank('retire reason', reason, '--reason');
  const organ = editable(reg, name, id, 'retire', registry);
  return { record: { ...versionBase(organ), recorded_at: now, event: 'retire', retired: true, retired_reason: why }, organ };
}

/** The latest version without the fields that describe the line rather than the organ. */
function versionBase(organ: Organ): OrganRecord {
  const { chain: _chain, retired: _r, retired_reason: _rr, recorded_at: _at, event: _e, ...rest } = organ.latest;
  return { ...rest, schema_version: SCHEMA_VERSION };
}

/**
 * A line without organ_id applies to the newest current organ of its name (see history.ts), so an
 * older id-less organ that shares its name with a newer one cannot be addressed by such a line.
 */
function editable(reg: Registry, name: string, id: string | undefined, verb: string, registry: string | undefined): Organ {
  const organ = findCurrent(reg, name, id, registry);
  if (organ.latest.organ_id === undefined) {
    const newest = currentOrgans(reg).filter((o) => o.key === organ.key).at(-1);
    if (newest !== organ) {
      throw usageError('organ-ambiguous', `cannot ${verb} ${organ.id}: it has no organ_id and a newer organ has the same name`,
        `Retire the newer one (${newest?.id}) first.`);
    }
  }
  return organ;
}
