// The bundle `pnpm build` makes (scripts/bundle.ts), run directly rather than through the
// launcher (which falls back to dist/ when tsc rebuilt since): the files it reaches by their
// original location exist, its code cache is made and used safely, and the commands that rely on
// those files (the tree-sitter grammar, pino) work from it.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { exampleGenome, HOST_GOAL } from './evolve-support.js';
import { fixtureGenome, memoryDir, readmeProposal } from './support.js';

const PKG = join(REPO_ROOT, 'packages', 'mutation-runner');
const LOADER = join(REPO_ROOT, 'packages', 'core', 'bin', 'bundle-loader.js');

function bundleDir(): string {
  const current = JSON.parse(readFileSync(join(PKG, 'dist', 'bundle', 'current.json'), 'utf8')) as { bundle: string };
  return join(PKG, 'dist', 'bundle', current.bundle);
}

/** Runs `main` of the bundle through the launcher's loader, in a child process. */
function bundled(args: string[], env: Record<string, string> = {}) {
  const code = `import { loadBundle } from ${JSON.stringify(LOADER)}; await loadBundle(${JSON.stringify(bundleDir())}).main([process.argv0, 'mutation-runner', ...${JSON.stringify(args)}]);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env: testEnv(env), encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the built bundle', () => {
  it('points every rewritten module URL and every external import at an existing file', () => {
    const dir = bundleDir();
    const refs = [...readFileSync(join(dir, 'cli.cjs'), 'utf8').matchAll(/__aosFileUrl\("([^"]+)"\)/g)].map((m) => m[1]!);
    // logger (pino), ledger verify (its worker), nix-syntax (grammar), os-introspect (parse worker), web-tree-sitter.
    expect(refs.length).toBeGreaterThanOrEqual(5);
    expect(refs.some((r) => r.endsWith('/node_modules/web-tree-sitter/web-tree-sitter.js'))).toBe(true);
    for (const ref of refs) expect(existsSync(resolve(dir, ref)), ref).toBe(true);
  });

  it('writes a code cache on the first run of a command and compiles from it afterwards; a bad or unsafe cache is ignored', () => {
    const home = tempDir();
    const loader = JSON.stringify(LOADER);
    const id = JSON.parse(readFileSync(join(PKG, 'dist', 'bundle', 'current.json'), 'utf8')).bundle as string;
    const node = (code: string) => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import * as l from ${loader}; ${code}`], { env: testEnv({ XDG_CACHE_HOME: home }), encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    const cacheFile = (dir: string) => node(`console.log(l.codeCacheFile(process.env, ${JSON.stringify(id)}, '--version', 'mutation-runner', ${JSON.stringify(dir)}))`);
    const file = cacheFile(bundleDir());
    expect(file).toMatch(new RegExp(`^${home}/autopoietic/mutation-runner-${id}-[0-9a-f]{8}-${process.version.replace(/\./g, '\\.')}-${process.arch}-other\\.v8cache$`));
    // A code cache keeps the file name it was made with: each bundle directory has its own, so
    // that another checkout's paths never show up in this one's stack traces.
    expect(cacheFile(`${bundleDir()}/`)).toBe(file);
    expect(cacheFile(join(tempDir(), 'same-bundle-elsewhere'))).not.toBe(file);
    expect(node(`await l.runBundle(${JSON.stringify(bundleDir())}, ${JSON.stringify(id)}, [process.argv0, 'mutation-runner', '--version'], 'mutation-runner')`)).toBe('0.1.0');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    const accepted = `console.log(l.loadBundle(${JSON.stringify(bundleDir())}, l.readCodeCache(${JSON.stringify(file)})).cacheRejected)`;
    expect(node(accepted)).toBe('false');
    chmodSync(file, 0o666); // writable by others: not read at all
    expect(node(`console.log(l.readCodeCache(${JSON.stringify(file)}) === undefined)`)).toBe('true');
    chmodSync(file, 0o600);
    writeFileSync(file, 'not a code cache');
    expect(node(accepted)).toBe('true'); // V8 refuses it; the code is compiled as usual
  });

  it('drops the caches of earlier builds of the same directory, and of other directories once unused for 30 days', () => {
    const home = tempDir();
    const cacheDir = join(home, 'autopoietic');
    mkdirSync(cacheDir, { mode: 0o700 });
    const id = JSON.parse(readFileSync(join(PKG, 'dist', 'bundle', 'current.json'), 'utf8')).bundle as string;
    const loader = JSON.stringify(LOADER);
    const run = (code: string) => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import * as l from ${loader}; ${code}`], { env: testEnv({ XDG_CACHE_HOME: home }), encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    const mine = basename(run(`console.log(l.codeCacheFile(process.env, ${JSON.stringify(id)}, '--version', 'mutation-runner', ${JSON.stringify(bundleDir())}))`));
    const place = mine.split('-')[3]!;
    const otherId = id === '0'.repeat(16) ? '1'.repeat(16) : '0'.repeat(16);
    const rest = `${process.version}-${process.arch}-verify.v8cache`;
    const files = {
      earlierBuildHere: `mutation-runner-${otherId}-${place}-${rest}`,
      otherCheckoutInUse: `mutation-runner-${otherId}-0badc0de-${rest}`,
      otherCheckoutGone: `mutation-runner-${otherId}-deadbeef-${rest}`,
      namedWithoutPlace: `mutation-runner-${otherId}-${rest}`,
      otherCli: `mutation-journal-${otherId}-${place}-${rest}`,
      notACache: `mutation-runner-notes.txt`,
    };
    for (const name of Object.values(files)) writeFileSync(join(cacheDir, name), 'x', { mode: 0o600 });
    const longAgo = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000);
    utimesSync(join(cacheDir, files.otherCheckoutGone), longAgo, longAgo);
    expect(run(`await l.runBundle(${JSON.stringify(bundleDir())}, ${JSON.stringify(id)}, [process.argv0, 'mutation-runner', '--version'], 'mutation-runner')`)).toBe('0.1.0');
    expect(readdirSync(cacheDir).sort()).toEqual([files.otherCheckoutInUse, files.otherCli, files.notACache, mine].sort());
  });

  it('verifies a proposal, logging through pino', () => {
    const root = fixtureGenome();
    const r = bundled(['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', memoryDir()], { AUTOPOIETIC_LOG_LEVEL: 'debug' });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe('verified');
    expect(r.stderr.split('\n').some((l) => l.startsWith('{') && JSON.parse(l).msg === 'candidate timings')).toBe(true);
  });

  it('builds a hand-off, parsing the genome with the tree-sitter Nix grammar', () => {
    const r = bundled(['handoff', '--root', exampleGenome(), '--memory-dir', memoryDir(), '--goal', HOST_GOAL]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).claims.map((c: { claim: string }) => c.claim)).toContain('hosts/seed/configuration.nix:9 sets autopoietic.identity.host to "seed-01" for host(s) seed.');
  });
});
