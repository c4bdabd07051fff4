import { execFile, execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/cli.js';
import { testEnv } from './support/nix-env.js';
import { tempDir } from './support/tmp.js';

// Every .nix file of the repository must parse with the real Nix grammar (`nix-instantiate
// --parse`), whatever tree-sitter thinks of it: the genome, its tests, the example genome.
const run = promisify(execFile);

/** Tracked and untracked-but-not-ignored .nix files, so a new file is checked before its commit. */
function nixFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '*.nix'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  const files = [...new Set(out.split('\0').filter((f) => f !== ''))].sort();
  return files.filter((f) => existsSync(join(REPO_ROOT, f)));
}

async function parse(file: string): Promise<{ file: string; error?: string }> {
  try {
    await run('nix-instantiate', ['--parse', file], { cwd: REPO_ROOT, env: testEnv(), maxBuffer: 64 * 1024 * 1024 });
    return { file };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return { file, error: (err.stderr ?? '').trim() || err.message };
  }
}

/** Runs `fn` over `items` with at most `limit` in flight (the machine has two cores). */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

describe('nix-instantiate --parse on every .nix file', () => {
  it('finds the genome, its checks and the example genome', () => {
    const files = nixFiles();
    for (const expected of [
      'flake.nix',
      'nix/package.nix',
      'modules/core/default.nix',
      'hosts/aion/configuration.nix',
      'hosts/iso/configuration.nix',
      'home/user.nix',
      'tests/vm/default.nix',
      'tests/modules/default.nix',
      'examples/genome/flake.nix',
    ]) {
      expect(files, `${expected} is not among the repository's .nix files`).toContain(expected);
    }
  });

  it('parses all of them', async () => {
    const files = nixFiles();
    const results = await pool(files, 2, parse);
    const failures = results.filter((r) => r.error !== undefined).map((r) => `${r.file}: ${r.error}`);
    expect(failures, `files that do not parse:\n${failures.join('\n')}`).toEqual([]);
    expect(results.length).toBe(files.length);
  });

  it('would catch a file that does not parse, naming the file and line', async () => {
    const dir = tempDir();
    const broken = join(dir, 'broken.nix');
    writeFileSync(broken, '{\n  a = 1;\n  b = ;\n}\n');
    const result = await parse(broken);
    expect(result.error).toMatch(/syntax error/);
    expect(result.error).toContain(`${broken}:3`);
  });
});
