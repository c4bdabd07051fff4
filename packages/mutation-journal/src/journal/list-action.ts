import { getLogger, printRaw, printText, stdoutClosed } from '@autopoietic/core/cli-kit';
import { readRecords } from '@autopoietic/core/ledger';
import { LEDGERS } from '@autopoietic/core/schemas';
import { buildFilter, type ListFilterFlags } from './list-filter.js';
import { renderTable, tableCells } from './table.js';
import { ledgerFile, refuseOtherKind, type LocationFlags } from './locate.js';
import { parseKind } from './targets.js';

export interface ListFlags extends ListFilterFlags, LocationFlags {
  format: 'json' | 'table';
}

/**
 * `list <kind>`: the records of one ledger in file order, filtered. JSON is streamed record by
 * record (the same bytes as a pretty-printed array), so listing a large ledger does not hold it
 * in memory. A first pass reads the ledger through, so that a malformed line fails the command
 * before anything is printed (never half a JSON array on stdout). The table needs every row for
 * its column widths anyway. A torn last line (an append that never completed) is refused in JSON,
 * which has no room to say the listing is incomplete, and skipped with a warning in the table,
 * which a person reads with its stderr.
 */
export async function runList(kindArg: string, flags: ListFlags): Promise<void> {
  const kind = parseKind(kindArg, 'kind');
  const keep = buildFilter(kind, flags);
  const file = ledgerFile(kind, flags);
  if (flags.path !== undefined) refuseOtherKind('--path', file, kind);
  const schema = LEDGERS[kind].schema;
  if (flags.format === 'table') {
    const rows: string[][] = [];
    for await (const { record } of readRecords(file, schema)) if (keep(record)) rows.push(tableCells(kind, record));
    printText(renderTable(kind, rows));
    return;
  }
  let matching = 0;
  for await (const { record } of readRecords(file, schema, { tornTail: 'error' })) if (keep(record)) matching++;
  let n = 0;
  for await (const { record } of readRecords(file, schema, { quiet: true })) {
    if (n === matching) break; // appended since the first pass: not part of this listing
    if (stdoutClosed()) {
      // The reader went away (`| head`): nothing more to print, so nothing more to read.
      getLogger().debug({ printed: n, matching }, `standard output was closed by its reader: stopped after ${n} of ${matching} records`);
      return;
    }
    if (!keep(record)) continue;
    const item = JSON.stringify(record, null, 2).replace(/\n/g, '\n  ');
    printRaw(`${n++ === 0 ? '[\n' : ',\n'}  ${item}`);
  }
  printRaw(n === 0 ? '[]\n' : '\n]\n');
}
