import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mutationRecord } from '../../../../tests/support/records.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { AosError } from '../cli-kit/errors.js';
import { appendRecord } from './append.js';
import { GENESIS_PREV, lineDigest } from './chain.js';
import { loadRecords } from './read.js';

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

describe('appendRecord', () => {
  it('creates parent directories and the file, and chains the first line to the genesis digest', async () => {
    const file = join(tempDir(), 'deep', 'memory', 'mutations.jsonl');
    const stored = await appendRecord(file, 'mutation', mutationRecord({ goal: 'first' }));
    expect(stored.chain).toEqual({ seq: 1, prev: GENESIS_PREV });
    expect(GENESIS_PREV).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(stored);
  });

  it('links each line to the digest of the exact bytes of the previous line', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    for (let i = 0; i < 5; i++) await appendRecord(file, 'mutation', mutationRecord({ goal: `g${i}` }));
    const ls = lines(file);
    expect(ls).toHaveLength(5);
    ls.forEach((l, i) => {
      const chain = JSON.parse(l).chain;
      expect(chain.seq).toBe(i + 1);
      expect(chain.prev).toBe(i === 0 ? GENESIS_PREV : lineDigest(Buffer.from(ls[i - 1]!, 'utf8')));
    });
  });

  it('returns exactly what a reader gets back', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    const a = await appendRecord(file, 'mutation', mutationRecord({ metadata: { 'k=1': 'v=2', '': 'empty key' }, goal: 'ünïcode ✓ \u2028' }));
    const b = await appendRecord(file, 'mutation', mutationRecord());
    expect(await loadRecords(file, 'mutation')).toEqual([a, b]);
  });

  it('refuses an invalid record with exit 2 and writes nothing, not even the file', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    const err = await appendRecord(file, 'mutation', mutationRecord({ status: 'bogus', goal: '   ' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AosError);
    expect((err as AosError).exit).toBe(2);
    expect((err as AosError).code).toBe('record-invalid');
    expect((err as AosError).message).toMatch(/status: Invalid option: expected one of "pending"\|"accepted"\|"failed"\|"reverted"/);
    expect((err as AosError).message).toMatch(/goal: must not be blank/);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses unknown fields (records are strict)', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    await expect(appendRecord(file, 'mutation', mutationRecord({ surprise: 1 }))).rejects.toThrow(/Unrecognized key/);
  });

  it('replaces any chain the caller passed in', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    const stored = await appendRecord(file, 'mutation', { ...mutationRecord(), chain: { seq: 99, prev: GENESIS_PREV } });
    expect(stored.chain.seq).toBe(1);
  });

  it('refuses to append after a torn final line, leaving the file untouched', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    await appendRecord(file, 'mutation', mutationRecord());
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"schema_version":"0.1`, { flag: 'w' });
    const size = statSync(file).size;
    await expect(appendRecord(file, 'mutation', mutationRecord())).rejects.toMatchObject({ code: 'ledger-torn-tail' });
    expect(statSync(file).size).toBe(size);
  });

  it('refuses to append after a last line that is not a chained record', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    writeFileSync(file, `${JSON.stringify(mutationRecord())}\n`);
    await expect(appendRecord(file, 'mutation', mutationRecord())).rejects.toMatchObject({ code: 'ledger-head-invalid' });
  });

  it('skips trailing blank lines when finding the head', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    const a = await appendRecord(file, 'mutation', mutationRecord());
    writeFileSync(file, '\n  \n', { flag: 'a' });
    const b = await appendRecord(file, 'mutation', mutationRecord());
    expect(b.chain).toEqual({ seq: 2, prev: lineDigest(Buffer.from(JSON.stringify(a))) });
  });

  it('finds the head of a ledger whose last line is longer than the tail window', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    await appendRecord(file, 'mutation', mutationRecord());
    const big = await appendRecord(file, 'mutation', mutationRecord({ reason: 'x'.repeat(200_000) }));
    const next = await appendRecord(file, 'mutation', mutationRecord());
    expect(next.chain).toEqual({ seq: 3, prev: lineDigest(Buffer.from(JSON.stringify(big))) });
  });

  it('releases the lock after success and after failure', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    await appendRecord(file, 'mutation', mutationRecord());
    expect(existsSync(`${file}.lock`)).toBe(false);
    writeFileSync(file, 'garbage\n', { flag: 'a' });
    await expect(appendRecord(file, 'mutation', mutationRecord())).rejects.toThrow();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});

describe('appendRecord precondition', () => {
  it('runs under the lock and aborts the append when it throws', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    let sawLock = false;
    await appendRecord(file, 'mutation', mutationRecord(), {
      precondition: () => {
        sawLock = existsSync(`${file}.lock`);
      },
    });
    expect(sawLock).toBe(true);
    await expect(
      appendRecord(file, 'mutation', mutationRecord(), {
        precondition: () => {
          throw new AosError('taken', 'name taken');
        },
      }),
    ).rejects.toMatchObject({ code: 'taken' });
    expect(lines(file)).toHaveLength(1);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});

describe('appendRecord I/O errors', () => {
  it('names a directory where the ledger should be, before taking any lock', async () => {
    const dir = tempDir();
    const file = join(dir, 'mutations.jsonl');
    mkdirSync(file);
    await expect(appendRecord(file, 'mutation', mutationRecord())).rejects.toMatchObject({ code: 'ledger-not-a-file', message: `ledger ${file} is not a regular file (a directory)` });
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('refuses a ledger that is not a regular file (/dev/null, a FIFO) instead of losing the record', async () => {
    await expect(appendRecord('/dev/null', 'mutation', mutationRecord())).rejects.toMatchObject({
      code: 'ledger-not-a-file',
      message: 'ledger /dev/null is not a regular file (a character device)',
      hint: expect.stringContaining('JSONL ledger files'),
    });
    const fifo = join(tempDir(), 'mutations.jsonl');
    execFileSync('mkfifo', [fifo]);
    await expect(appendRecord(fifo, 'mutation', mutationRecord())).rejects.toMatchObject({ code: 'ledger-not-a-file', message: `ledger ${fifo} is not a regular file (a FIFO)` });
  });

  it('refuses a record of one kind in a file named as another kind\'s ledger, and writes nothing', async () => {
    const dir = tempDir();
    const organs = join(dir, 'organs.jsonl');
    await expect(appendRecord(organs, 'mutation', mutationRecord())).rejects.toMatchObject({
      code: 'ledger-kind-mismatch',
      exit: 2,
      message: `refusing to append a mutation record to ${organs}: that file name is the organ ledger's`,
    });
    expect(existsSync(organs)).toBe(false);
    const mutations = join(dir, 'mutations.jsonl');
    await expect(appendRecord(mutations, 'effect', {})).rejects.toMatchObject({ message: `refusing to append an effect record to ${mutations}: that file name is the mutation ledger's` });
    expect((await appendRecord(join(dir, 'my-mutations.jsonl'), 'mutation', mutationRecord())).chain.seq).toBe(1);
  });

  it('names a ledger that is a symlink to a missing file, with what it points to', async () => {
    const dir = tempDir();
    const file = join(dir, 'mutations.jsonl');
    symlinkSync('gone/mutations.jsonl', file);
    await expect(appendRecord(file, 'mutation', mutationRecord())).rejects.toMatchObject({
      code: 'ledger-dangling-link',
      message: `ledger ${file} is a symbolic link to gone/mutations.jsonl, which does not exist`,
    });
  });

  it('fails at once, naming the directory, when the memory directory cannot be made (under /proc)', async () => {
    // Node's recursive mkdir would spin here for ever (see makeDirs).
    await expect(appendRecord('/proc/aos-no-such-dir/memory/mutations.jsonl', 'mutation', mutationRecord())).rejects.toMatchObject({
      code: 'ledger-io',
      message: 'cannot create directory /proc/aos-no-such-dir/memory (ENOENT)',
      hint: expect.stringContaining('memory directory'),
    });
  });
});
