import { shellQuote } from '../cli-kit/shell-quote.js';
import { isBlank } from './lines.js';

/**
 * Bytes the tools never write, which editors and git add to text files: a UTF-8 byte-order mark
 * (EF BB BF) before a line's record, and a CR before its LF. A ledger line is `JSON.stringify`
 * output plus LF, and JSON escapes every control character, so a raw CR in a line can only come
 * from a line-ending conversion. Naming these marks turns "not valid JSON" and "the chain does
 * not match" into the cause and a fix that loses nothing. What a reader accepts is unchanged:
 * these only word the refusal.
 */

/** The line's bytes start with the UTF-8 encoding of U+FEFF. */
export function startsWithBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** The line (without its LF) ends with CR: it was written or converted with CR LF endings. */
export function endsWithCr(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[bytes.length - 1] === 0x0d;
}

/** What follows a byte-order mark: a JSON value (the mark is the whole damage), nothing but blanks, or anything else. */
export type BomRest = 'json' | 'nothing' | 'other';

export function afterBom(bytes: Buffer): BomRest {
  const rest = bytes.subarray(3);
  if (isBlank(rest)) return 'nothing';
  try {
    JSON.parse(rest.toString('utf8'));
    return 'json';
  } catch {
    return 'other';
  }
}

/** What a mark did to a line, and the fix: a verify problem joins them; a reader's error makes `fix` its hint. */
export interface MarkCause {
  what: string;
  fix: string;
}

/** `line N starts with a byte-order mark ...`, with the sed command that removes only that mark. */
export function bomCause(path: string, line: number, rest: BomRest): MarkCause {
  const editor = "an editor saved this ledger as 'UTF-8 with BOM'";
  const sed = `sed -i '${line}s/^\\xEF\\xBB\\xBF//' ${shellQuote(path)}`;
  const remove = `Remove the BOM with \`${sed}\` while no tool writes to the ledger (it deletes only those 3 bytes)`;
  if (rest === 'json') return { what: `line ${line} starts with a byte-order mark (U+FEFF): ${editor}; the record after it is intact`, fix: `${remove}, then verify again.` };
  if (rest === 'nothing') return { what: `line ${line} is only a byte-order mark (U+FEFF), no record: ${editor}`, fix: `${remove}; what remains is blank, which every reader skips.` };
  return {
    what: `line ${line} starts with a byte-order mark (U+FEFF): ${editor}, and the rest of the line is not valid JSON either`,
    fix: `Removing the BOM (\`${sed}\`) will not be enough: compare the line with a backup or the ledger's git history.`,
  };
}

/**
 * `line N ends with CR LF ...`. The first such line carries the explanation and the fix; later
 * ones point back to it, so a wholly converted ledger does not repeat the paragraph per line.
 */
export function crlfCause(path: string, line: number, firstLine: number = line): MarkCause {
  if (line !== firstLine) return { what: `line ${line} ends with CR LF too: its line ending was converted`, fix: `See line ${firstLine}.` };
  return {
    what:
      `line ${line} ends with CR LF, but the tools write LF only: the ledger's line endings were converted (git core.autocrlf, or an editor), ` +
      'which changes the bytes the hash chain covers',
    fix:
      `Convert back with \`sed -i 's/\\r$//' ${shellQuote(path)}\` while no tool writes to it (it removes only a CR before a line end, ` +
      "which no record contains), keep git from converting it again (a .gitattributes line '*.jsonl -text'), then verify again.",
  };
}

/** The one-line form used in verify reports. */
export function causeMessage(c: MarkCause): string {
  return `${c.what}. ${c.fix}`;
}
