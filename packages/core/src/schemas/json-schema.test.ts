import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeAjv } from '../../../../tests/support/ajv.js';
import { instanceOf } from '../../../../tests/support/json-instance.js';
import { REPO_ROOT } from '../../../../tests/support/cli.js';
import { renderJsonSchemas } from './json-schema.js';
import { SCHEMAS, type SchemaName } from './registry.js';

const MEMORY = join(REPO_ROOT, 'memory');
const committed = (name: string): Record<string, any> => JSON.parse(readFileSync(join(MEMORY, `${name}.schema.json`), 'utf8'));
const NAMES = Object.keys(SCHEMAS) as SchemaName[];

/** Validation rules zod enforces with refinements, which JSON Schema (as generated) does not carry. */
const ZOD_ONLY: Partial<Record<SchemaName, string>> = {
  'mutation-promotion': 'status promoted requires verification_id and verified_root_fingerprint',
  'evidence-bundle': 'the subject needs root_fingerprint or generation_id',
  handoff: 'every backing id names a fact or evidence ref of the hand-off',
};

describe('memory/*.schema.json', () => {
  it('are exactly what the zod schemas generate (run `pnpm schemas` after changing a schema)', () => {
    const rendered = renderJsonSchemas();
    const onDisk = readdirSync(MEMORY).filter((f) => f.endsWith('.schema.json')).sort();
    expect(onDisk).toEqual([...rendered.keys()].sort());
    for (const [file, text] of rendered) expect(readFileSync(join(MEMORY, file), 'utf8'), file).toBe(text);
  });

  it('compile under ajv 2020-12 in strict mode, with the draft and id we publish', () => {
    const ajv = makeAjv();
    for (const name of NAMES) {
      const schema = committed(name);
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(`https://autopoietic-os.local/schemas/${name}.schema.json`);
      expect(() => ajv.compile(schema), name).not.toThrow();
    }
  });
});

describe.each(NAMES)('%s: JSON Schema and zod agree', (name) => {
  const schema = committed(name);
  const validate = makeAjv().compile(schema);
  const zod = SCHEMAS[name];

  it.each([
    ['required fields only', false],
    ['every field', true],
  ])('both accept an instance with %s', (_label, full) => {
    const instance = instanceOf(schema, schema, full) as Record<string, unknown>;
    expect(validate(instance), JSON.stringify(validate.errors)).toBe(true);
    const parsed = zod.safeParse(instance);
    if (!parsed.success && ZOD_ONLY[name] && !full) {
      expect(parsed.error.issues.every((i) => i.code === 'custom'), ZOD_ONLY[name]).toBe(true);
      return;
    }
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });

  it('both refuse an unknown field, a missing required field and a wrong type', () => {
    const full = instanceOf(schema, schema, true) as Record<string, unknown>;
    const variants: Record<string, unknown>[] = [{ ...full, surprise_field: 1 }];
    for (const key of schema.required ?? []) {
      const { [key]: _drop, ...rest } = full;
      variants.push(rest);
      variants.push({ ...full, [key]: wrongTypeFor(full[key]) });
    }
    for (const v of variants) {
      expect(validate(v), JSON.stringify(v).slice(0, 200)).toBe(false);
      expect(zod.safeParse(v).success, JSON.stringify(v).slice(0, 200)).toBe(false);
    }
  });

  // The JSON Schema of a plain z.object and of a z.strictObject can both say additionalProperties
  // false, so only parsing tells them apart: a nested z.object would strip an unknown key on read
  // (the compiled validators refuse it) and the file-equality test above would not notice.
  it('agree on an unknown field inside every nested object (zod refuses it where the JSON Schema does)', () => {
    const full = instanceOf(schema, schema, true) as Record<string, unknown>;
    const nested = nestedObjectPaths(full);
    for (const path of nested) {
      const v = withSurpriseAt(full, path);
      const where = `${name} at ${path.join('.')}`;
      expect(zod.safeParse(v).success, where).toBe(validate(v));
    }
  });
});

/** Paths (keys and indexes) of every plain object below the top level of `value`. */
function nestedObjectPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const here = Array.isArray(value) ? [] : path.length > 0 ? [path] : [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [...here, ...entries.flatMap(([k, v]) => nestedObjectPaths(v, [...path, k]))];
}

/** A deep copy of `value` with `surprise_field: 1` added to the object at `path`. */
function withSurpriseAt(value: Record<string, unknown>, path: (string | number)[]): unknown {
  const copy = structuredClone(value);
  let at: any = copy;
  for (const k of path) at = at[k];
  at.surprise_field = 1;
  return copy;
}

function wrongTypeFor(value: unknown): unknown {
  if (typeof value === 'string') return 42;
  if (typeof value === 'number') return 'forty-two';
  if (typeof value === 'boolean') return 'yes';
  if (value === null) return 42;
  if (Array.isArray(value)) return 'not-a-list';
  return 'not-an-object';
}
