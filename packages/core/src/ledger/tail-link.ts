import { AosError } from '../cli-kit/errors.js';
import { shellQuote } from '../cli-kit/shell-quote.js';
import type { ChainLink } from '../schemas/common.js';
import { chainOf, GENESIS_PREV, lineDigest } from './chain.js';
import { lineNoAt, readTail, type Tail } from './tail.js';

/** Bytes read first to find the line before the last (a record is some hundred bytes). */
const BEFORE_WINDOW = 4096;

/**
 * Refuses to chain onto a last record that does not link to the record before it: its `prev` is
 * not that line's digest, or its `seq` does not follow that line's (the line before was edited,
 * removed or is not a record; or the last line was written by hand). An append would bury the
 * break in the middle of the file, where only `ledger verify` finds it.
 *
 * Called when append reads the head from disk (not when it reuses the head it wrote itself,
 * open-ledgers.ts): one more read backwards from the last line, which is mostly in the page just
 * read, and one hash and JSON parse of one line. Damage further up and an edit of the last line
 * itself (nothing after it records its digest; a checkpoint does) are left to `ledger verify`,
 * which reads every line.
 */
export function checkTailLink(path: string, fd: number, lastOffset: number, link: ChainLink): void {
  // The file up to the last line ends with a newline: its own last non-blank line is the one before.
  const before = readTail(fd, lastOffset, BEFORE_WINDOW);
  const why = brokenLink(before, link);
  if (why === undefined) return;
  const line = lineNoAt(fd, lastOffset);
  const beforeLine = before.kind === 'empty' ? 0 : lineNoAt(fd, before.offset);
  throw new AosError('ledger-chain-broken', `ledger ${path}: the last record (line ${line}, seq ${link.seq}) ${why(beforeLine)}: refusing to append after it`, {
    hint:
      `The chain is already broken at the end of the ledger, and a record appended now would hide that in the middle of the file. ` +
      `See what changed with \`mutation-journal ledger verify --path ${shellQuote(path)}\`, then undo that change or restore the ledger from a backup (\`ledger repair\` only moves a torn last line aside).`,
  });
}

/** Why `link` does not follow the line before it (given its line number), or undefined when it does. */
function brokenLink(before: Tail, link: ChainLink): ((beforeLine: number) => string) | undefined {
  if (before.kind === 'empty') {
    if (link.seq === 1 && link.prev === GENESIS_PREV) return undefined;
    if (link.seq !== 1) return () => `has no record before it, but seq ${link.seq}: the lines before it were removed`;
    return () => `is the first record, but its prev ${link.prev} is not the genesis digest`;
  }
  const prev = parsedChain(before.bytes);
  if (!prev) return (n) => `follows line ${n}, which is not a chained ledger record`;
  if (prev.seq !== link.seq - 1) return (n) => `has seq ${link.seq}, but line ${n} before it has seq ${prev.seq}`;
  const digest = lineDigest(before.bytes);
  if (link.prev !== digest) {
    return (n) => `records prev ${link.prev}, but line ${n} before it hashes to ${digest}: line ${n} was changed after it was chained, or the last line was written by hand`;
  }
  return undefined;
}

function parsedChain(bytes: Buffer): ChainLink | undefined {
  try {
    return chainOf(JSON.parse(bytes.toString('utf8')));
  } catch {
    return undefined;
  }
}
