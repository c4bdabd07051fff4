import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { expectValidSelfState, observe, sandbox, sandboxArgs, type Sandbox } from './helpers.js';

// os-introspect as a process among others: runs at once on one memory directory, and what a
// run killed while writing its cache leaves behind for the next.

const BIN = join(REPO_ROOT, 'packages', 'os-introspect', 'bin', 'os-introspect.js');

function rootsDir(s: Sandbox): string {
  const base = join(s.memory, 'cache', 'introspect');
  return join(base, readdirSync(base)[0]!, 'roots');
}

/** One os-introspect run, started without waiting for it. */
function start(s: Sandbox): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...sandboxArgs(s)], { env: testEnv({ HOME: s.home }), stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child);
}

function collect(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

const genomeOf = (st: ReturnType<typeof observe>) => ({ ...st.genome, nix_files: st.genome.nix_files.map((f) => ({ ...f, cached: false })), parse_stats: null });

describe('os-introspect as a process', () => {
  it('gives every one of eight runs at once on one memory directory the whole genome, and leaves a cache the next run trusts', async () => {
    const s = sandbox();
    const runs = await Promise.all(Array.from({ length: 8 }, () => start(s)));
    const reference = genomeOf(observe(s, ['--no-cache']));
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(genomeOf(expectValidSelfState(JSON.parse(r.stdout)))).toEqual(reference);
    }
    const past = new Date(Date.now() - 60_000);
    for (const f of reference.nix_files) utimesSync(join(s.root, f.path), past, past);
    observe(s); // the stat index now predates no file
    const warm = observe(s);
    expect(genomeOf(warm)).toEqual(reference);
    expect(warm.genome.parse_stats).toMatchObject({ parsed: 0, cache_hits: reference.nix_files.length });
    expect(readdirSync(rootsDir(s)).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('removes the temp files of runs killed while writing the cache, and keeps those of a live writer', () => {
    const s = sandbox();
    observe(s);
    const roots = rootsDir(s);
    const [stem] = readdirSync(roots).find((f) => f.endsWith('.objects.jsonl'))!.split('.');
    // A pid whose process is gone: the run it names was killed (SIGKILL runs no clean-up).
    const dead = spawnSync('true').pid!;
    const live = spawn('sleep', ['60']);
    try {
      const killed = [`.${stem}.objects.jsonl.tmp-${dead}-0123456789ab`, `.${stem}.genome.json.tmp-${dead}-ba9876543210`];
      const writing = `.${stem}.index.json.tmp-${live.pid}-00112233aabb`;
      const stale = `.${stem}.genome.json.tmp-${live.pid}-44556677ccdd`;
      for (const name of [...killed, writing, stale]) writeFileSync(join(roots, name), 'x'.repeat(1000));
      // A writer alive for more than an hour is not writing this: its pid was reused.
      const hoursAgo = new Date(Date.now() - 2 * 3600_000);
      utimesSync(join(roots, stale), hoursAgo, hoursAgo);
      writeFileSync(join(roots, 'notes.tmp'), 'not ours');
      observe(s);
      expect(readdirSync(roots).filter((f) => f.includes('.tmp')).sort()).toEqual([writing, 'notes.tmp'].sort());
    } finally {
      live.kill('SIGKILL');
    }
  });

  it('removes the --output temp files of runs killed while writing it, and keeps those of a live writer', () => {
    const s = sandbox();
    const out = join(s.home, 'out', 'self-state.json');
    mkdirSync(join(s.home, 'out'));
    const dead = spawnSync('true').pid!;
    const live = spawn('sleep', ['60']);
    try {
      const killed = `.self-state.json.tmp-${dead}-0123456789ab`;
      const writing = `.self-state.json.tmp-${live.pid}-ba9876543210`;
      for (const name of [killed, writing, '.other.json.tmp-1-0123456789ab']) writeFileSync(join(s.home, 'out', name), 'x'.repeat(1000));
      const r = runCli('os-introspect', sandboxArgs(s, ['--output', out]), { env: { HOME: s.home } });
      expect(r.code, r.stderr).toBe(0);
      expectValidSelfState(JSON.parse(readFileSync(out, 'utf8')));
      expect(readdirSync(join(s.home, 'out')).sort()).toEqual([writing, '.other.json.tmp-1-0123456789ab', 'self-state.json'].sort());
    } finally {
      live.kill('SIGKILL');
    }
  });
  it('waits for a reader of a FIFO named by --output, says so, and stops on SIGTERM like any other wait', async () => {
    // The FIFO used to be opened synchronously: with nobody reading, the main thread waited in the
    // kernel, the CLI's SIGTERM handler never ran, and only SIGKILL ended the run.
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    const fifo = join(s.home, 'self-state.pipe');
    execFileSync('mkfifo', [fifo]);
    const notice = `waiting for a process to read the FIFO ${fifo}`;
    const run = () => {
      const child = spawn(process.execPath, [BIN, ...sandboxArgs(s, ['--output', fifo])], { env: testEnv({ HOME: s.home, AUTOPOIETIC_LOG_LEVEL: 'info' }), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      const waiting = new Promise<void>((resolve) =>
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString('utf8');
          if (stderr.includes(notice)) resolve();
        }),
      );
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('close', (code, signal) => done({ code, signal })));
      // A run that never says it waits (the old synchronous open) fails here, not at the test's timeout.
      const said = Promise.race([waiting, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`no notice within 30 s: ${stderr}`)), 30_000).unref())]);
      return { child, waiting: said, ended, stderr: () => stderr };
    };

    const abandoned = run();
    try {
      await abandoned.waiting;
      abandoned.child.kill('SIGTERM');
      const end = await Promise.race([abandoned.ended, new Promise((r) => setTimeout(() => r('still running 10 s after SIGTERM'), 10_000).unref())]);
      expect(end, abandoned.stderr()).toEqual({ code: null, signal: 'SIGTERM' });
    } finally {
      abandoned.child.kill('SIGKILL');
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);

    // A reader that comes after the notice gets the whole self-state.
    const late = run();
    try {
      await late.waiting;
      const piped = execFileSync('cat', [fifo], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }).toString('utf8');
      expect(await late.ended, late.stderr()).toEqual({ code: 0, signal: null });
      expectValidSelfState(JSON.parse(piped));
    } finally {
      late.child.kill('SIGKILL');
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('sleeps while a reader is behind on stdout, and stops on SIGTERM there', async () => {
    // Stdout is a non-blocking pipe once Node touches process.stdout: writing again at once into a
    // full one spun a core while the reader was behind, in the main thread, where the SIGTERM
    // handler never ran until the reader had read everything.
    const modules = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [
        `modules/m${i}.nix`,
        `{ config, lib, ... }:\n{\n  options.bench.m${i} = {\n    enable = lib.mkEnableOption "module ${i}";\n    name = lib.mkOption { type = lib.types.str; default = "m${i}"; description = "The name of module ${i}."; };\n  };\n  config = lib.mkIf config.bench.m${i}.enable { environment.etc."m${i}".text = config.bench.m${i}.name; };\n}\n`,
      ]),
    );
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { }; }\n', ...modules });
    // stdout a pipe that nobody reads (a FIFO this test holds open at both ends): it fills at
    // 64 KiB, well before the end of the self-state (about 230 KB here).
    const fifo = join(s.home, 'stdout.pipe');
    execFileSync('mkfifo', [fifo]);
    const pipe = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const child = spawn(process.execPath, [BIN, ...sandboxArgs(s)], { env: testEnv({ HOME: s.home }), stdio: ['ignore', pipe, 'pipe'] });
    closeSync(pipe);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('close', (code, signal) => done({ code, signal })));
    const cpuMs = () => {
      const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, USER_HZ 100
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      await sleep(4000); // the run itself takes well under a second here
      const before = cpuMs();
      await sleep(2000);
      expect(cpuMs() - before, stderr).toBeLessThan(500);
      child.kill('SIGTERM');
      const end = await Promise.race([ended, sleep(10_000).then(() => 'still running 10 s after SIGTERM')]);
      expect(end, stderr).toEqual({ code: null, signal: 'SIGTERM' });
    } finally {
      child.kill('SIGKILL');
    }
  });
});
