import { createHash, type Hash } from 'node:crypto';
import type { Sha256Digest } from './digest.js';

/**
 * Length-framed fingerprints (scheme v2, see docs/digests.md).
 *
 * Every field is written as a one-byte type tag followed by a u64 little-endian length and the
 * bytes. Lists are written as a list tag and their item count, then each item. Because every
 * string and every list carries its own length, no two different field sequences can produce
 * the same byte stream: ["ab","c"] and ["a","bc"] differ, and so do [["a"],[]] and [[],["a"]].
 */
const TAG_STR = 0x01;
const TAG_LIST = 0x02;
const TAG_BYTES = 0x03;
const TAG_NULL = 0x04;

export class Framer {
  private readonly hash: Hash = createHash('sha256');

  constructor(domain: string) {
    this.str(domain);
  }

  str(s: string): this {
    return this.frame(TAG_STR, Buffer.from(s, 'utf8'));
  }

  bytes(b: Uint8Array): this {
    return this.frame(TAG_BYTES, b);
  }

  nullable(s: string | null | undefined): this {
    if (s === null || s === undefined) {
      this.hash.update(Uint8Array.of(TAG_NULL));
      return this;
    }
    return this.str(s);
  }

  /** A list: its length, then each item written by `each`. */
  list<T>(items: readonly T[], each: (f: this, item: T) => void): this {
    this.hash.update(Uint8Array.of(TAG_LIST));
    this.hash.update(u64(items.length));
    for (const item of items) each(this, item);
    return this;
  }

  strings(items: readonly string[]): this {
    return this.list(items, (f, s) => f.str(s));
  }

  digest(): Sha256Digest {
    return `sha256:${this.hash.digest('hex')}`;
  }

  private frame(tag: number, payload: Uint8Array): this {
    this.hash.update(Uint8Array.of(tag));
    this.hash.update(u64(payload.length));
    this.hash.update(payload);
    return this;
  }
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

/** Fingerprint of a list of strings under a domain tag. */
export function frameStrings(domain: string, items: readonly string[]): Sha256Digest {
  return new Framer(domain).strings(items).digest();
}

/** `unavailable:<reason>`: a fingerprint that could not be computed (never equal to a real one). */
export type UnavailableFingerprint = `unavailable:${string}`;
export type FingerprintValue = Sha256Digest | UnavailableFingerprint;

export function unavailable(reason: string): UnavailableFingerprint {
  return `unavailable:${reason}`;
}

export function isUnavailable(fp: string | undefined | null): boolean {
  return typeof fp !== 'string' || fp.startsWith('unavailable:') || fp.startsWith('unknown:');
}
