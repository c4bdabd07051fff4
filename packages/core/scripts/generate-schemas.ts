// Writes memory/<name>.schema.json from the zod schemas in packages/core/src/schemas, and the
// validators compiled from them (packages/core/src/schemas/compiled/<name>.generated.ts).
// Run with `pnpm schemas`. The drift tests fail when the committed files differ.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJsonSchemas } from '../src/schemas/json-schema.js';
import { renderCompiledValidators } from './compiled-validators.js';

const here = dirname(fileURLToPath(import.meta.url));

function writeAll(dir: string, suffix: string, rendered: Map<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) {
    if (f.endsWith(suffix) && !rendered.has(f)) rmSync(join(dir, f));
  }
  for (const [file, text] of rendered) writeFileSync(join(dir, file), text);
  process.stderr.write(`wrote ${rendered.size} files to ${dir}\n`);
}

writeAll(join(here, '..', '..', '..', 'memory'), '.schema.json', renderJsonSchemas());
writeAll(join(here, '..', 'src', 'schemas', 'compiled'), '.generated.ts', renderCompiledValidators());
