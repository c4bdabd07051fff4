import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectValidSelfState, introspectCli, sandbox } from './helpers.js';

const WARNING = 'the parse cache is not used: every run parses the whole genome. Point --memory-dir (AUTOPOIETIC_MEMORY_DIR) at a writable directory, or pass --no-cache';

/** The stderr lines of a run, each a pino JSON line. */
function logLines(stderr: string): { level: number; msg: string; reason?: string }[] {
  return stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string; reason?: string });
}

/**
 * A read-only checkout holding the default memory directory (a CI cache restored read-only, a
 * bind mount), or one this user does not own: the parse cache cannot be made or written. The run
 * still succeeds, but said so only in parse_stats.cache.reason, a JSON field nobody reads while
 * every run parsed the whole genome. It now also says so once on stderr. Made here with names the
 * cache needs taken by files (as root, a mode does not stop a write).
 */
describe('os-introspect with a parse cache it cannot use', () => {
  it('succeeds and warns once when the cache directory cannot be made', () => {
    const s = sandbox();
    writeFileSync(join(s.memory, 'cache'), 'not a directory');
    const r = introspectCli(s);
    expect(r.code, r.stderr).toBe(0);
    const state = expectValidSelfState(r.json());
    expect(state.genome.parse_stats.cache).toEqual({ enabled: false, dir: null, reason: expect.stringMatching(/^cannot create directory .*cache\/introspect\/v\S+: (\S+ exists and|a parent of \S+) is not a directory \((EEXIST|ENOTDIR)\)/) });
    expect(logLines(r.stderr)).toEqual([expect.objectContaining({ level: 40, msg: WARNING, reason: state.genome.parse_stats.cache.reason })]);
  });

  it('succeeds and warns once when the cache cannot be written', () => {
    const s = sandbox();
    expect(introspectCli(s).code).toBe(0);
    const [version] = readdirSync(join(s.memory, 'cache', 'introspect'));
    const roots = join(s.memory, 'cache', 'introspect', version!, 'roots');
    rmSync(roots, { recursive: true });
    writeFileSync(roots, 'not a directory');
    const r = introspectCli(s);
    expect(r.code, r.stderr).toBe(0);
    const reason = expectValidSelfState(r.json()).genome.parse_stats.cache.reason;
    expect(reason).toMatch(/^cannot write the cache: /);
    expect(logLines(r.stderr)).toEqual([expect.objectContaining({ level: 40, msg: WARNING, reason })]);
  });

  it('says nothing when no cache was wanted: --no-cache, or no memory directory yet', () => {
    const s = sandbox();
    writeFileSync(join(s.memory, 'cache'), 'not a directory');
    const off = introspectCli(s, ['--no-cache']);
    expect([off.code, off.stderr]).toEqual([0, '']);
    rmSync(s.memory, { recursive: true });
    const fresh = introspectCli(s);
    expect([fresh.code, fresh.stderr]).toEqual([0, '']);
    expect(expectValidSelfState(fresh.json()).genome.parse_stats.cache.reason).toMatch(/does not exist \(not created just for a cache\)$/);
  });
});
