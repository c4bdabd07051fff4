/**
 * The rules of a host policy document, without zod: the same as the HostPolicy schema in
 * schemas/host-policy.ts (host-policy-check.test.ts runs both on the same documents), plus one
 * the schema cannot state: memory_dir is absolute (a relative one would mean a different
 * directory in every working directory).
 *
 * An unknown field is refused, not skipped: it is most likely a policy written for a newer
 * version, whose meaning this version cannot honour.
 */

import { AUTONOMY_MODES } from '../vocab/policy.js';

type Check = (value: unknown, where: string) => string | undefined;
interface Field {
  check: Check;
  required?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const positive: Check = (v, where) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? undefined : `${where} must be a positive number`);
const nonBlank: Check = (v, where) => (typeof v === 'string' && /\S/.test(v) ? undefined : `${where} must be a non-blank string`);
const stringList: Check = (v, where) => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? undefined : `${where} must be a list of strings`);
const absolute: Check = (v, where) => (typeof v === 'string' && v.startsWith('/') ? undefined : `${where} must be an absolute path`);
const mode: Check = (v) =>
  (AUTONOMY_MODES as readonly unknown[]).includes(v) ? undefined : `mode ${JSON.stringify(v)} is not a known mode (allowed: ${AUTONOMY_MODES.join(', ')})`;

const OPERATOR_CHECK: Record<string, Field> = {
  name: { check: nonBlank, required: true },
  command: { check: nonBlank, required: true },
  args: { check: stringList },
  timeout_seconds: { check: positive },
};

const HOST_POLICY: Record<string, Field> = {
  mode: { check: mode, required: true },
  memory_dir: { check: absolute },
  protected_paths: { check: stringList },
  operator_checks: { check: (v, where) => (Array.isArray(v) ? first(v.flatMap((c, i) => objectProblems(c, `${where}.${i}`, OPERATOR_CHECK))) : `${where} must be a list`) },
  default_timeout_seconds: { check: positive },
  check_timeouts: { check: (v, where) => (isObject(v) ? first(Object.entries(v).map(([k, t]) => positive(t, `${where}.${k}`))) : `${where} must be an object of check names to seconds`) },
};

/** `identity.json` (HostIdentity in schemas/host-policy.ts), plus: the host is not blank. */
const HOST_IDENTITY: Record<string, Field> = {
  host: { check: nonBlank, required: true },
  roles: { check: stringList, required: true },
};

/**
 * Every problem of a parsed `identity.json`, each naming its field; empty when it is valid. Like
 * the policy, it is used whole or not at all: `"roles": "web"` is not read as no roles.
 */
export function checkHostIdentity(raw: unknown): string[] {
  return objectProblems(raw, '', HOST_IDENTITY);
}

/** Every problem of a parsed host policy document, each naming its field; empty when it is valid. */
export function checkHostPolicy(raw: unknown): string[] {
  return objectProblems(raw, '', HOST_POLICY);
}

function objectProblems(value: unknown, where: string, fields: Record<string, Field>): string[] {
  if (!isObject(value)) return [`${where || '(top level)'} must be a JSON object`];
  const problems: string[] = [];
  for (const [name, field] of Object.entries(fields)) {
    const path = where === '' ? name : `${where}.${name}`;
    if (!Object.hasOwn(value, name)) {
      if (field.required) problems.push(path === 'mode' ? `mode is missing (allowed: ${AUTONOMY_MODES.join(', ')})` : `${path} is missing`);
      continue;
    }
    const problem = field.check(value[name], path);
    if (problem !== undefined) problems.push(problem);
  }
  const known = Object.keys(fields);
  for (const name of Object.keys(value).filter((k) => !Object.hasOwn(fields, k))) {
    const path = where === '' ? name : `${where}.${name}`;
    problems.push(`unknown field ${path} (known: ${known.join(', ')}; written for a newer version?)`);
  }
  return problems;
}

function first(problems: (string | undefined)[]): string | undefined {
  return problems.find((p) => p !== undefined);
}
