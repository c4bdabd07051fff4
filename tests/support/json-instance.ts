/**
 * Builds instances of a JSON Schema (the subset zod's toJSONSchema emits), for the test that keeps
 * the committed memory/*.schema.json files and the zod schemas in agreement: an instance made from
 * the JSON Schema must be accepted by zod too, and the same mutations must be refused by both.
 *
 * `full` fills every optional property as well; otherwise only required ones. String patterns
 * come from a table of the patterns the schemas use: an unknown pattern fails loudly, so that a
 * new one gets a sample instead of a silent guess.
 */
type Schema = Record<string, any>;

const PATTERN_SAMPLES: Record<string, string> = {
  '\\S': 'x',
  '^sha256:[0-9a-f]{64}$': `sha256:${'ab'.repeat(32)}`,
  '^(sha256:[0-9a-f]{64}|unavailable:.+|unknown:.+)$': `sha256:${'cd'.repeat(32)}`,
  '^0[0-7]{3}$': '0644',
  '^[0-7]{4}$': '0644',
  '^[A-Za-z0-9][A-Za-z0-9._-]*$': 'aion',
  '^\\/': '/var/lib/autopoietic',
};

export function instanceOf(schema: Schema, root: Schema, full: boolean, where = '$'): unknown {
  if (schema.$ref) return instanceOf(resolveRef(schema.$ref, root), root, full, where);
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf || schema.oneOf) {
    const branches: Schema[] = schema.anyOf ?? schema.oneOf;
    const nonNull = branches.find((b) => b.type !== 'null') ?? branches[0]!;
    return instanceOf(nonNull, root, full, where);
  }
  if (schema.allOf) {
    // zod writes stacked string checks as allOf: merge them, keeping every pattern.
    const { allOf, ...base } = schema;
    const patterns = [base.pattern, ...allOf.map((s: Schema) => s.pattern)].filter((p) => p !== undefined);
    return instanceOf(Object.assign({}, base, ...allOf, { pattern: undefined, patterns }), root, full, where);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return objectOf(schema, root, full, where);
    case 'array': {
      const n = Math.max(schema.minItems ?? 0, full ? 1 : 0);
      if (schema.prefixItems) return schema.prefixItems.map((s: Schema, i: number) => instanceOf(s, root, full, `${where}[${i}]`));
      return Array.from({ length: n }, (_, i) => instanceOf(schema.items ?? {}, root, full, `${where}[${i}]`));
    }
    case 'string':
      return stringOf(schema, where);
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {}; // an unconstrained value (z.unknown())
  }
}

function objectOf(schema: Schema, root: Schema, full: boolean, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set<string>(schema.required ?? []);
  for (const [key, sub] of Object.entries<Schema>(schema.properties ?? {})) {
    if (required.has(key) || full) out[key] = instanceOf(sub, root, full, `${where}.${key}`);
  }
  if (full && !schema.properties && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    out.key = instanceOf(schema.additionalProperties, root, full, `${where}.key`);
  }
  return out;
}

function stringOf(schema: Schema, where: string): string {
  if (schema.format === 'date-time') return '2026-01-02T03:04:05.678Z';
  const patterns: string[] = schema.patterns ?? (schema.pattern === undefined ? [] : [schema.pattern]);
  for (const p of patterns) {
    if (!(p in PATTERN_SAMPLES)) throw new Error(`no sample for pattern ${p} at ${where}: add one to tests/support/json-instance.ts`);
  }
  const fits = (c: string): boolean => patterns.every((p) => new RegExp(p, 'u').test(c));
  let s = ['x', ...Object.values(PATTERN_SAMPLES)].find(fits);
  if (s === undefined) throw new Error(`no sample fits all of ${patterns.join(' and ')} at ${where}`);
  while (s.length < (schema.minLength ?? 0)) s += 'x';
  return s;
}

function resolveRef(ref: string, root: Schema): Schema {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) throw new Error(`external $ref ${ref} is not supported`);
  return ref
    .slice(2)
    .split('/')
    .reduce<Schema>((node, part) => node[part.replace(/~1/g, '/').replace(/~0/g, '~')], root);
}
