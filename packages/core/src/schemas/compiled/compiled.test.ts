import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { instanceOf } from '../../../../../tests/support/json-instance.js';
import { COMPILED_SCHEMAS, renderCompiledValidators, ZOD_ONLY_RULES } from '../../../scripts/compiled-validators.js';
import { jsonSchemaFor } from '../json-schema.js';
import { SCHEMAS, type SchemaName } from '../registry.js';
import { COMPILED_SCHEMA_NAMES, describeCompiledError, loadCompiledValidator } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Every `.refine`/`.superRefine` reachable in a zod schema (zod v4 keeps them as `custom` checks). */
function hasRefinement(schema: z.ZodType, seen = new Set<unknown>()): boolean {
  if (seen.has(schema)) return false;
  seen.add(schema);
  const def = (schema as any)._zod.def;
  if ((def.checks ?? []).some((c: any) => c._zod.def.check === 'custom')) return true;
  const children: unknown[] = [
    ...Object.values(def.shape ?? {}),
    def.element,
    def.innerType,
    def.in,
    def.out,
    def.keyType,
    def.valueType,
    def.catchall,
    ...(def.options ?? []),
    ...(def.items ?? []),
    def.rest,
    def.left,
    def.right,
    def.type === 'lazy' ? def.getter() : undefined,
  ];
  return children.some((c) => c && typeof c === 'object' && '_zod' in c && hasRefinement(c as z.ZodType, seen));
}

describe('compiled validators (src/schemas/compiled/*.generated.ts)', () => {
  it('are exactly what `pnpm schemas` generates from the committed schemas', () => {
    const rendered = renderCompiledValidators();
    const onDisk = readdirSync(here).filter((f) => f.endsWith('.generated.ts')).sort();
    expect(onDisk).toEqual([...rendered.keys()].sort());
    for (const [file, text] of rendered) expect(readFileSync(join(here, file), 'utf8'), `${file}: run pnpm schemas`).toBe(text);
  });

  it('exist for every listed schema, and never for one with a rule only zod can check', () => {
    expect([...COMPILED_SCHEMA_NAMES]).toEqual([...COMPILED_SCHEMAS].sort());
    const refined = (Object.keys(SCHEMAS) as SchemaName[]).filter((n) => hasRefinement(SCHEMAS[n]));
    expect(refined.sort()).toEqual([...ZOD_ONLY_RULES].sort());
    for (const name of COMPILED_SCHEMAS) expect(ZOD_ONLY_RULES).not.toContain(name);
  });

  describe.each([...COMPILED_SCHEMAS])('%s', (name) => {
    const schema = jsonSchemaFor(name) as Record<string, any>;
    const zod = SCHEMAS[name];

    it('accepts what zod accepts, and refuses an unknown field, a missing field and a wrong type as zod does', async () => {
      const validate = (await loadCompiledValidator(name))!;
      for (const full of [false, true]) {
        const instance = instanceOf(schema, schema, full);
        expect(zod.safeParse(instance).success).toBe(true);
        expect(validate(instance), describeCompiledError(validate)).toBe(true);
      }
      const full = instanceOf(schema, schema, true) as Record<string, unknown>;
      const variants: unknown[] = [{ ...full, surprise_field: 1 }, null, [], 'text'];
      for (const key of schema.required ?? []) {
        const { [key]: _drop, ...rest } = full;
        variants.push(rest, { ...full, [key]: typeof full[key] === 'number' ? 'forty-two' : 42 });
      }
      for (const v of variants) {
        expect(zod.safeParse(v).success).toBe(false);
        expect(validate(v), JSON.stringify(v)?.slice(0, 200)).toBe(false);
        expect(describeCompiledError(validate)).not.toBe('invalid');
      }
    });
  });

  it('check a self-state without its genome when the genome was validated before', async () => {
    const schema = jsonSchemaFor('self-state') as Record<string, any>;
    const withoutGenome = (await loadCompiledValidator('self-state', 'validateWithoutGenome'))!;
    const state = instanceOf(schema, schema, true) as Record<string, any>;
    expect(withoutGenome({ ...state, genome: { not: 'checked here' } })).toBe(true);
    expect(withoutGenome({ ...state, genome: 'not an object' })).toBe(false);
    expect(withoutGenome({ ...state, body: { ...state.body, surprise_field: 1 } })).toBe(false);
  });

  it('has none for a schema without one', async () => {
    expect(await loadCompiledValidator('mutation-promotion')).toBeUndefined();
  });
});
