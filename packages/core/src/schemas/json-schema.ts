import { z } from 'zod';
import { SCHEMA_ID_BASE, SCHEMAS, type SchemaName } from './registry.js';

/** The JSON Schema (draft 2020-12) for one named record, exactly as committed under memory/. */
export function jsonSchemaFor(name: SchemaName): Record<string, unknown> {
  const generated = z.toJSONSchema(SCHEMAS[name], { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: `${SCHEMA_ID_BASE}${name}.schema.json`, title: name, ...rest };
}

/** File name -> pretty JSON text, for every schema. */
export function renderJsonSchemas(): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of Object.keys(SCHEMAS) as SchemaName[]) {
    out.set(`${name}.schema.json`, `${JSON.stringify(jsonSchemaFor(name), null, 2)}\n`);
  }
  return out;
}
