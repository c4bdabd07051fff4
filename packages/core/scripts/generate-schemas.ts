// Writes memory/<name>.schema.json from the zod schemas in packages/core/src/schemas.
// Run with `pnpm schemas`. The schema drift test fails when the committed files differ.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJsonSchemas } from '../src/schemas/json-schema.js';

const memoryDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'memory');
mkdirSync(memoryDir, { recursive: true });
const rendered = renderJsonSchemas();
for (const f of readdirSync(memoryDir)) {
  if (f.endsWith('.schema.json') && !rendered.has(f)) rmSync(join(memoryDir, f));
}
for (const [file, text] of rendered) writeFileSync(join(memoryDir, file), text);
process.stderr.write(`wrote ${rendered.size} schemas to ${memoryDir}\n`);
