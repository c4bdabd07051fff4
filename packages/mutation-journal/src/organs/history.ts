import { usageError } from '@autopoietic/core/cli-kit';
import type { OrganRecord } from '@autopoietic/core/schemas';
import { organKey, quotedName } from './names.js';
import { organCommand } from './paths.js';

/**
 * The registry keeps history: every line of `organs.jsonl` is one version of an organ, and the
 * current state of an organ is its latest version. This module folds the lines into organs.
 *
 * Which organ a line belongs to:
 * - a line with `organ_id` belongs to the organ of that id (the first such line starts it);
 * - a line without `organ_id` (hand-written, or from the reference tool) starts a new organ when
 *   its event is `add` or absent, and otherwise applies to the newest current organ of that name.
 */
export type OrganLine = OrganRecord & { chain?: { seq: number; prev: string } };

export interface OrganVersion {
  record: OrganLine;
  /** 1-based position of the line among the registry's records. */
  line: number;
}

export interface Organ {
  /** `organ_id` of its versions, or `line:<n>` for an organ written without ids. */
  id: string;
  key: string;
  versions: OrganVersion[];
  latest: OrganLine;
  retired: boolean;
  /** Position of its first version: registry order. */
  order: number;
}

export interface Registry {
  organs: Organ[];
  lines: number;
}

export function foldRegistry(records: readonly OrganLine[]): Registry {
  const organs: Organ[] = [];
  const byId = new Map<string, Organ>();
  records.forEach((record, i) => {
    const version = { record, line: i + 1 };
    const target = record.organ_id !== undefined ? byId.get(record.organ_id) : targetWithoutId(organs, record);
    if (target) {
      target.versions.push(version);
      target.latest = record;
      target.key = organKey(record.name);
      target.retired = record.event === 'retire' || record.retired === true;
      return;
    }
    const organ: Organ = {
      id: record.organ_id ?? `line:${i + 1}`,
      key: organKey(record.name),
      versions: [version],
      latest: record,
      retired: record.event === 'retire' || record.retired === true,
      order: i + 1,
    };
    organs.push(organ);
    if (record.organ_id !== undefined) byId.set(record.organ_id, organ);
  });
  return { organs, lines: records.length };
}

function targetWithoutId(organs: Organ[], record: OrganLine): Organ | undefined {
  if (record.event === undefined || record.event === 'add') return undefined;
  const key = organKey(record.name);
  for (let i = organs.length - 1; i >= 0; i--) {
    const o = organs[i]!;
    if (o.key === key && !o.retired) return o;
  }
  return undefined;
}

/** Organs that are not retired, in registry order. */
export function currentOrgans(reg: Registry): Organ[] {
  return reg.organs.filter((o) => !o.retired);
}

/** Retired organs whose name no current organ has taken again, in registry order. */
export function retiredOrgans(reg: Registry): Organ[] {
  const current = new Set(currentOrgans(reg).map((o) => o.key));
  const seen = new Set<string>();
  const out: Organ[] = [];
  // The latest retired organ of a name stands for that name.
  for (const o of [...reg.organs].reverse()) {
    if (!o.retired || current.has(o.key) || seen.has(o.key)) continue;
    seen.add(o.key);
    out.push(o);
  }
  return out.reverse();
}

/**
 * The one current organ called `name` (case-insensitive), for update and retire.
 * `id` picks one when two current organs share the name. Unknown or ambiguous -> exit 2, with
 * hints whose commands name `registry`, the file read (organCommand).
 */
export function findCurrent(reg: Registry, name: string, id?: string, registry?: string): Organ {
  const key = organKey(name);
  const matches = currentOrgans(reg).filter((o) => o.key === key && (id === undefined || o.id === id));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    const list = matches.map((o) => `${o.id} (source ${o.latest.source})`).join(', ');
    throw usageError('organ-ambiguous', `${matches.length} current organs are named ${quotedName(name)}: ${list}`,
      `Pass --id <organ_id> to pick one (\`${organCommand('list', registry)}\` shows the ids).`);
  }
  const retired = reg.organs.some((o) => o.retired && o.key === key);
  if (id !== undefined && currentOrgans(reg).some((o) => o.key === key)) {
    throw usageError('organ-unknown', `no current organ named ${quotedName(name)} has id ${quotedName(id)}`,
      `Check the id with \`${organCommand('list', registry)}\`.`);
  }
  throw usageError('organ-unknown',
    retired ? `organ ${quotedName(name)} is retired` : `no organ named ${quotedName(name)} is registered`,
    retired
      ? `Register it again with \`${organCommand('add', registry)}\`.`
      : `List the registry with \`${organCommand('list', registry)}\`, or add it with \`${organCommand('add', registry)}\`.`,
  );
}
