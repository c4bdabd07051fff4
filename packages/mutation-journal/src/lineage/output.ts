import { resolve } from 'node:path';
import { checkOutputPath, resolvedPath, sameFile, writeOutputFile } from '@autopoietic/core/adapters';
import { printText, usageError } from '@autopoietic/core/cli-kit';
import { renderDot } from './dot.js';
import { renderHtml } from './html.js';
import { lineageInputs, loadLineage, type LineagePaths } from './load.js';
import type { LineageView } from './model.js';

export const LINEAGE_FORMATS = ['json', 'dot', 'html'] as const;
export type LineageFormat = (typeof LINEAGE_FORMATS)[number];

export interface LineageOptions extends LineagePaths {
  format: string;
  output?: string | undefined;
  memoryDir?: string | undefined;
  root?: string | undefined;
}

export function renderLineage(view: LineageView, format: LineageFormat): string {
  if (format === 'dot') return renderDot(view);
  if (format === 'html') return renderHtml(view);
  return `${JSON.stringify(view, null, 2)}\n`;
}

/**
 * `mutation-journal lineage`: reads the ledgers, renders one format, prints it or writes it to
 * `--output` (atomically replaced: the view is derived and can always be drawn again; a device or
 * FIFO is written into, see writeOutputFile in core). The output may never be one of the ledgers
 * it was drawn from.
 */
export async function runLineage(opts: LineageOptions): Promise<void> {
  const format = parseFormat(opts.format);
  const where = { ...(opts.memoryDir === undefined ? {} : { memoryDir: opts.memoryDir }), ...(opts.root === undefined ? {} : { root: opts.root }) };
  const output = opts.output === undefined ? undefined : guardOutput(opts.output, lineageInputs(opts, where).map((i) => i.path));
  const text = renderLineage(await loadLineage(opts, where), format);
  if (output === undefined) printText(text);
  else await writeOutputFile(output, text);
}

function parseFormat(value: string): LineageFormat {
  if ((LINEAGE_FORMATS as readonly string[]).includes(value)) return value as LineageFormat;
  throw usageError('format-unknown', `--format: unknown format ${JSON.stringify(value)}`, `Use one of: ${LINEAGE_FORMATS.join(', ')}.`);
}

/**
 * The view replaces --output atomically, so --output must never name a ledger: not one it reads
 * (output-is-input), and not any other (`--output memory/organs.jsonl` replaced the organ
 * registry, which lineage does not read, with the page, and exited 0): core's ledgerLikeName,
 * whether the file exists or not, and for a symlink also what it points to; a directory is refused
 * too (core's checkOutputPath), and a blank value by runProgram, as for every path flag.
 */
function guardOutput(raw: string, inputs: string[]): string {
  const output = resolve(raw);
  for (const input of inputs) {
    if (resolvedPath(output) === resolvedPath(input) || sameFile(output, input)) {
      throw usageError('output-is-input', `--output ${output} is the ledger ${input}: refusing to overwrite a ledger with a view`, 'Write the view to another file, e.g. lineage.html.');
    }
  }
  // The view is written into an existing directory (no parents are made): a missing one, or a
  // file on the way, is refused here, before the ledgers are read, not when the view is written.
  return checkOutputPath('--output', output, 'lineage.html', { createsParents: false });
}
