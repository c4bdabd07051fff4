import { dirname, resolve } from 'node:path';
import { makeDirs, writeOutputFile } from '@autopoietic/core/adapters';
import { getLogger, printBytes, printText } from '@autopoietic/core/cli-kit';
import { observeSelf } from './introspect.js';
import { parseCliOptions } from './options.js';
import { trace } from './observe/trace.js';
import { renderSummary } from './summary.js';

const NEWLINE = Buffer.from('\n');

/** The CLI action: parse flags, observe, then write the file and/or print. */
export async function runIntrospect(raw: Record<string, unknown>): Promise<void> {
  trace('action');
  const cli = parseCliOptions(raw);
  const observed = await observeSelf(cli.introspect);
  if (cli.output) {
    const path = resolve(cli.output);
    makeDirs(dirname(path));
    writeOutputFile(path, Buffer.concat([...observed.jsonBytes(), NEWLINE]));
    getLogger().info({ path }, 'self-state written');
  }
  if (cli.format === 'summary') printText(renderSummary(observed.state()));
  else if (!cli.output) printBytes([...observed.jsonBytes(), NEWLINE]);
  trace('printed');
  await observed.written;
}
