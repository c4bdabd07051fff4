import { dirname } from 'node:path';
import { checkOutputPath, makeDirs, writeOutputFile } from '@autopoietic/core/adapters';
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
  // Refused before the observation (exit 2), not after it: a directory, a ledger, a file on the
  // way to it. Missing directories are made (makeDirs below).
  const output = cli.output === undefined ? undefined : checkOutputPath('--output', cli.output, 'self-state.json', { createsParents: true });
  const observed = await observeSelf(cli.introspect);
  if (output) {
    makeDirs(dirname(output));
    await writeOutputFile(output, Buffer.concat([...observed.jsonBytes(), NEWLINE]));
    getLogger().info({ path: output }, 'self-state written');
  }
  if (cli.format === 'summary') printText(renderSummary(observed.state()));
  else if (!output) await printBytes([...observed.jsonBytes(), NEWLINE]);
  trace('printed');
  await observed.written;
}
