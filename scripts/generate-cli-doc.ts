// Regenerates the CLI reference block of README.md from the commander programs (`pnpm cli-doc`).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withCliReference } from './lib/cli-reference.js';

const readme = join(import.meta.dirname, '..', 'README.md');
writeFileSync(readme, withCliReference(readFileSync(readme, 'utf8')));
process.stderr.write(`updated the CLI reference in ${readme}\n`);
