import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from '@autopoietic/core/adapters';
import { getLogger, printJson, printText } from '@autopoietic/core/cli-kit';
import { introspect } from './introspect.js';
import { parseCliOptions } from './options.js';
import { renderSummary } from './summary.js';

/** The CLI action: parse flags, observe, then write the file and/or print. */
export async function runIntrospect(raw: Record<string, unknown>): Promise<void> {
  const cli = parseCliOptions(raw);
  const state = await introspect(cli.introspect);
  if (cli.output) {
    const path = resolve(cli.output);
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
    getLogger().info({ path }, 'self-state written');
  }
  if (cli.format === 'summary') printText(renderSummary(state));
  else if (!cli.output) printJson(state);
}
