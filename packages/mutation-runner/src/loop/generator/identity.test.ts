import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../../tests/support/tmp.js';
import { generatorIdentity, splitCommand } from './identity.js';

describe('splitCommand', () => {
  it('splits words like a shell without running one', () => {
    expect(splitCommand(`llm -m "gpt x" --system 'be brief' a\\ b $HOME | tee`)).toEqual(['llm', '-m', 'gpt x', '--system', 'be brief', 'a b', '$HOME', '|', 'tee']);
    expect(splitCommand(`say "a \\"quoted\\" word" ''`)).toEqual(['say', 'a "quoted" word', '']);
  });
  it('refuses unclosed quotes and an empty command (usage errors)', () => {
    expect(() => splitCommand(`node 'x`)).toThrow(/unclosed ' quote/);
    expect(() => splitCommand('   ')).toThrow(/--generator is empty/);
  });
});

describe('generatorIdentity', () => {
  it('resolves the executable and script, and its digest changes with the script', () => {
    const dir = tempDir();
    const script = join(dir, 'gen.mjs');
    writeFileSync(script, 'console.log(1)\n');
    const a = generatorIdentity('node gen.mjs --fast', dir);
    expect(a.argv.slice(1)).toEqual([script, '--fast']);
    expect(a.files.map((f) => f.path)).toEqual([a.executable, script]);
    expect(generatorIdentity(`node ${script} --fast`, '/').digest).toBe(a.digest);
    writeFileSync(script, 'console.log(2)\n');
    expect(generatorIdentity('node gen.mjs --fast', dir).digest).not.toBe(a.digest);
  });
  it('refuses a generator file inside the genome', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'gen.mjs'), '');
    expect(() => generatorIdentity('node gen.mjs', dir, dir)).toThrow(/inside the genome/);
  });
  it('refuses a script it cannot read (a usage error, not an internal one)', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const script = join(dir, 'gen.mjs');
    writeFileSync(script, '');
    chmodSync(script, 0o111);
    expect(() => asNonRoot(() => generatorIdentity('node gen.mjs', dir))).toThrow(`--generator: cannot digest ${script}, which it runs, for the generator's identity: cannot be opened (EACCES)`);
  });
});

/**
 * Runs `fn` as a user that file permissions apply to: root reads any file, so as root (as CI
 * runs) the effective uid is nobody's for the call (tests run in forked processes, where Node
 * can change it).
 */
function asNonRoot<T>(fn: () => T): T {
  if (process.geteuid?.() !== 0) return fn();
  process.seteuid!(65534);
  try {
    return fn();
  } finally {
    process.seteuid!(0);
  }
}
