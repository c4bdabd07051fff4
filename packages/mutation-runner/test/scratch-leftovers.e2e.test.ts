import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { killGroup } from '../../../tests/support/process-group.js';
import { exited, startEvolve, waitForGenerator } from './evolve-process.js';
import { changedGenome, exampleGenome, HOST_GOAL, scriptGenerator } from './evolve-support.js';
import { memoryDir, runner } from './support.js';

/**
 * An evolve killed with SIGKILL (or by the OOM killer) cannot remove its generator sandbox, a
 * copy of the genome in TMPDIR: a later evolve removes it, and keeps a live run's and whatever is
 * not provably its own. The same holds for the other scratch directories of evolve and propose.
 */
const PREFIX = 'autopoietic-generator-';

describe('evolve: sandboxes of runs that died', () => {
  it('a later evolve removes the sandbox of a run killed with SIGKILL, and keeps a live run\'s and what is not its own', async () => {
    const root = exampleGenome();
    const tmp = tempDir('aos-tmpdir-');
    const readyDir = tempDir('aos-ready-');
    const killed = startEvolve(root, tmp, join(readyDir, 'killed.json'));
    const live = startEvolve(root, tmp, join(readyDir, 'live.json'));
    const generators: number[] = [];
    try {
      const k = await waitForGenerator(join(readyDir, 'killed.json'), killed);
      generators.push(k.pgid);
      const l = await waitForGenerator(join(readyDir, 'live.json'), live);
      generators.push(l.pgid);
      expect(basename(k.cwd).startsWith(PREFIX)).toBe(true);

      killed.kill('SIGKILL');
      await exited(killed);
      expect(existsSync(join(k.cwd, 'genome', 'flake.nix'))).toBe(true); // left behind, read-only copy and all

      // Not provably ours: a directory of an older version (no owner file), and a symlink named
      // like a sandbox to a directory whose owner file (the dead run's) names the link.
      const legacy = join(tmp, `${PREFIX}Legacy`);
      mkdirSync(legacy);
      writeFileSync(join(legacy, 'note.txt'), 'keep\n');
      const link = join(tmp, `${PREFIX}Linked`);
      const elsewhere = tempDir('aos-elsewhere-');
      const owner = JSON.parse(readFileSync(join(k.cwd, '.autopoietic-owner.json'), 'utf8'));
      writeFileSync(join(elsewhere, '.autopoietic-owner.json'), JSON.stringify({ ...owner, dir: basename(link) }));
      symlinkSync(elsewhere, link);

      const crash = scriptGenerator('crash', 'process.exit(3);');
      const r = runner(['evolve', '--root', root, '--memory-dir', memoryDir(), '--goal', HOST_GOAL, '--generator', crash, '--attempts', '1'], {
        env: { TMPDIR: tmp, AUTOPOIETIC_LOG_LEVEL: 'info' },
      });
      expect(r.code, r.stderr).toBe(1);
      expect(r.json().outcome).toBe('exhausted');
      expect(existsSync(k.cwd)).toBe(false);
      expect(r.stderr).toContain("removed 1 scratch directory left by runs that are gone: the generator's sandbox (a copy of the genome)");
      expect(existsSync(join(l.cwd, 'genome', 'flake.nix'))).toBe(true);
      expect(readFileSync(join(legacy, 'note.txt'), 'utf8')).toBe('keep\n');
      expect(readdirSync(elsewhere)).toEqual(['.autopoietic-owner.json']);
      expect(readdirSync(tmp).filter((n) => n.startsWith(PREFIX)).sort()).toEqual([basename(l.cwd), basename(legacy), basename(link)].sort());
    } finally {
      killed.kill('SIGKILL');
      live.kill('SIGTERM'); // its own handler stops its generator and removes its sandbox
      await Promise.all([exited(killed), exited(live)]);
      for (const pgid of generators) killGroup(pgid);
    }
    expect(readdirSync(tmp).filter((n) => n.startsWith(PREFIX) && !n.endsWith('Legacy')).length).toBe(1); // the link alone
  });

  // The other scratch directories in TMPDIR: evolve's scan of the live genome, propose's private index.
  const runs: [string, string, number, (tmp: string) => ReturnType<typeof runner>][] = [
    ['autopoietic-live-scan-', 'evolve', 1, (tmp) => runner(['evolve', '--root', exampleGenome(), '--memory-dir', memoryDir(), '--goal', HOST_GOAL, '--generator', scriptGenerator('crash', 'process.exit(3);'), '--attempts', '1'], { env: { TMPDIR: tmp } })],
    ['autopoietic-propose-', 'propose', 0, (tmp) => runner(['propose', '--root', changedGenome(), '--memory-dir', memoryDir(), '--goal', HOST_GOAL], { env: { TMPDIR: tmp } })],
  ];
  it.each(runs)('removes an %s directory of a process killed with SIGKILL in a later %s', async (prefix, _command, code, run) => {
    const tmp = tempDir('aos-tmpdir-');
    // A real process makes one as evolve and propose do (core's makeOwnedScratchDir), says where, and is killed.
    const core = join(REPO_ROOT, 'packages', 'core', 'dist', 'adapters', 'index.js');
    const maker = spawn(
      process.execPath,
      ['--input-type=module', '-e', `import { makeOwnedScratchDir } from ${JSON.stringify(core)}; console.log(makeOwnedScratchDir(${JSON.stringify(prefix)}, 'a test')); setInterval(() => {}, 1000);`],
      { env: testEnv({ TMPDIR: tmp }), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const dir = await new Promise<string>((r) => maker.stdout!.once('data', (b: Buffer) => r(b.toString().trim())));
    maker.kill('SIGKILL');
    await exited(maker);
    expect(basename(dir).startsWith(prefix)).toBe(true);
    expect(existsSync(dir)).toBe(true);

    const r = run(tmp);
    expect(r.code, r.stderr).toBe(code);
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
