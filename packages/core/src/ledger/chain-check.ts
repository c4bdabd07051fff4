import type { ChainLink } from '../schemas/common.js';
import { GENESIS_PREV, isSha256 } from './chain.js';

/**
 * The chain rules of `ledger verify`, as a small state machine fed one line at a time. It names
 * the line a problem is about, and tells the kinds of tampering apart where the chain allows:
 *
 * - edited:    line k changed, so line k+1's `prev` no longer matches it (the LAST line can only be
 *              caught with a checkpoint);
 * - deleted:   `seq` jumps forward;
 * - reordered: two neighbours swapped (a jump immediately followed by the missing seq);
 * - inserted:  a line with no chain, or whose `seq` repeats or goes back, or a line the next one
 *              skips over (the next line continues the chain from the line before it).
 * After a problem the check re-anchors so that one change yields one problem, not a cascade.
 */
export type ChainProblemKind = 'edited' | 'deleted' | 'reordered' | 'inserted';

export interface ChainProblem {
  line: number;
  kind: ChainProblemKind;
  message: string;
}

interface Anchor {
  seq: number;
  digest: string;
  line: number;
}

/** A forward jump in seq, kept for one line: the next line tells a deletion from an intruder. */
interface Jump {
  anchor: Anchor;
  link: ChainLink;
  before: Anchor | null;
  expected: number;
  problem: ChainProblem;
}

/** Problems kept per ledger; beyond this they are only counted, so a ruined ledger costs no more memory. */
export const MAX_PROBLEMS = 1000;

export class ChainChecker {
  readonly problems: ChainProblem[] = [];
  /** Problems found beyond MAX_PROBLEMS. */
  omitted = 0;
  private anchor: Anchor | null = null;
  private before: Anchor | null = null;
  private jump: Jump | undefined;
  /** The last lines reported for another reason (only the anchor and the current line matter). */
  private flagged: number[] = [];

  /** The last line accepted into the chain. */
  get head(): Anchor | null {
    return this.anchor;
  }

  /** Marks a line that already has a (non-chain) problem, so it is not reported twice. */
  flag(line: number): void {
    const last = this.flagged[this.flagged.length - 1] ?? -1;
    if (last !== line) this.flagged = [last, line]; // a line with two problems must not push out the one before
  }

  /** A line whose chain could not be read (unparsable): assume it holds the next seq. */
  unreadable(line: number, digest: string): void {
    this.advance({ seq: (this.anchor?.seq ?? 0) + 1, digest, line });
    this.jump = undefined;
  }

  /** A parsable line with no valid chain link: it was not appended by the ledger. */
  unchained(line: number): void {
    this.add({ line, kind: 'inserted', message: `line ${line} has no valid chain link: it was inserted or rewritten by hand` });
    this.jump = undefined;
  }

  /**
   * Whether a link read with chainShapeOf is a valid one: a `prev` equal to the digest the next
   * line must carry is (a computed digest); any other must be `sha256:` and 64 hex digits.
   */
  wellFormed(c: ChainLink): boolean {
    return c.prev === (this.anchor?.digest ?? GENESIS_PREV) || isSha256(c.prev);
  }

  link(line: number, c: ChainLink, digest: string): void {
    const expected = (this.anchor?.seq ?? 0) + 1;
    const prev = this.anchor?.digest ?? GENESIS_PREV;
    const jump = this.jump;
    this.jump = undefined;
    if (c.seq === expected) {
      if (c.prev !== prev) this.edited(line, c);
      this.advance({ seq: c.seq, digest, line });
    } else if (c.seq > expected) {
      const problem = this.add({ line, kind: 'deleted', message: deletedMessage(line, expected, c.seq) });
      this.jump = { anchor: { seq: c.seq, digest, line }, link: c, before: this.anchor, expected, problem };
      this.advance({ seq: c.seq, digest, line });
    } else if (jump && c.seq === jump.expected && c.prev === (jump.before?.digest ?? GENESIS_PREV)) {
      this.resolveJump(jump, line, c, digest);
    } else if (this.anchor && c.seq === this.anchor.seq && c.prev === (this.before?.digest ?? GENESIS_PREV)) {
      // This line continues from the line before the anchor: the anchor line was the intruder.
      this.add({ line: this.anchor.line, kind: 'inserted', message: `line ${this.anchor.line} was inserted: line ${line} carries its seq ${c.seq} and continues the chain from before it` });
      this.anchor = { seq: c.seq, digest, line };
    } else {
      this.add({ line, kind: 'inserted', message: `line ${line} has seq ${c.seq} but seq ${expected} was expected: it was inserted, duplicated or moved` });
    }
  }

  /**
   * The line after a forward jump continues the chain from BEFORE the jump: the jumped line was
   * not a sign of deletion. If it is this line's successor (seq +1, prev = this line), the two
   * were swapped; otherwise it was inserted (a copy, or a line moved up from further down).
   */
  private resolveJump(jump: Jump, line: number, c: ChainLink, digest: string): void {
    const moved = jump.anchor;
    if (jump.link.seq === c.seq + 1 && jump.link.prev === digest) {
      Object.assign(jump.problem, { kind: 'reordered', message: `lines ${moved.line} and ${line} are swapped: seq ${moved.seq} comes before seq ${c.seq}` });
      this.before = { seq: c.seq, digest, line };
      this.anchor = moved; // in the original order this line came first
      return;
    }
    Object.assign(jump.problem, { kind: 'inserted', message: `line ${moved.line} (seq ${moved.seq}) does not belong here: line ${line} continues the chain from before it, so it was inserted or moved up` });
    this.before = jump.before;
    this.anchor = { seq: c.seq, digest, line };
  }

  private edited(line: number, c: ChainLink): void {
    const a = this.anchor;
    if (!a) {
      this.add({ line, kind: 'edited', message: `line ${line} is the first record but its prev ${c.prev} is not the genesis digest: earlier lines were removed or it was edited` });
    } else if (!this.flagged.includes(a.line)) {
      this.add({
        line: a.line,
        kind: 'edited',
        message: `line ${a.line} (seq ${a.seq}) was changed after it was chained: line ${line} records prev ${c.prev}, line ${a.line} now hashes to ${a.digest}`,
      });
    }
  }

  private advance(next: Anchor): void {
    this.before = this.anchor;
    this.anchor = next;
  }

  private add(p: ChainProblem): ChainProblem {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(p);
    else this.omitted++;
    return p;
  }
}

function deletedMessage(line: number, expected: number, seq: number): string {
  const n = seq - expected;
  return expected === 1
    ? `line ${line} has seq ${seq} but the ledger must start at seq 1: the first ${n} line(s) were deleted`
    : `seq jumps from ${expected - 1} to ${seq} at line ${line}: ${n} line(s) before it were deleted`;
}
