import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../../../tests/support/nix-env.js';
import { initRepo } from '../../../../tests/support/git.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { captureCommand, succeeded } from './exec.js';
import { NixLogTranslator, type NixProgressEvent } from './nix-log.js';
import {
  buildArgs, builderSpecs, configList, flakeCheckArgs, flakePathProblem, kvmUsable, nixConfig, nixInfo, nixStoreProblem, parseBuildOutPaths, parseNixVersion, versionAtLeast,
} from './nix.js';

describe('Nix version detection', () => {
  it('adapts to the version: --json before 2.9, config show from 2.20', () => {
    const old = parseNixVersion('nix (Nix) 2.8.0\n');
    expect(old).toMatchObject({ available: true, version: '2.8.0', printOutPaths: false, configShow: ['show-config'] });
    const mid = parseNixVersion('nix (Nix) 2.9.1');
    expect(mid.printOutPaths).toBe(true);
    const cur = parseNixVersion('nix (Nix) 2.24.10pre20240101_dirty');
    expect(cur).toMatchObject({ printOutPaths: true, configShow: ['config', 'show'] });
    expect(parseNixVersion('garbage').available).toBe(false);
    // Forks name their own version first; the Nix version they follow comes last.
    expect(parseNixVersion('nix (Determinate Nix 3.6.2) 2.29.0\n')).toMatchObject({ version: '2.29.0', printOutPaths: true });
    expect(parseNixVersion('nix (Lix, like Nix) 2.91.1\nSystem type: x86_64-linux\n')).toMatchObject({ version: '2.91.1' });
  });

  it('detects the installed nix', async () => {
    const info = await nixInfo();
    expect(info.available).toBe(true);
    expect(info.version).toMatch(/^\d+\.\d+/);
  });

  it('builds with --json or --print-out-paths and parses either', () => {
    const v28 = parseNixVersion('nix (Nix) 2.8.0');
    const v24 = parseNixVersion('nix (Nix) 2.24.0');
    expect(buildArgs(v28, '/c#checks.x.y', { options: [['max-jobs', '2']], builders: '' })).toEqual([
      '--extra-experimental-features', 'nix-command flakes', '--option', 'max-jobs', '2', '--builders', '',
      'build', '--no-link', '--no-write-lock-file', '--json', '/c#checks.x.y',
    ]);
    expect(buildArgs(v24, 'i')).toContain('--print-out-paths');
    expect(parseBuildOutPaths(v28, '[{"drvPath":"/nix/store/a.drv","outputs":{"out":"/nix/store/a","dev":"/nix/store/a-dev"}}]')).toEqual(['/nix/store/a', '/nix/store/a-dev']);
    expect(parseBuildOutPaths(v24, '/nix/store/a\n/nix/store/b\n')).toEqual(['/nix/store/a', '/nix/store/b']);
  });

  it('adds --all-systems to a flake check only for a Nix that has it, and only once', () => {
    const v28 = parseNixVersion('nix (Nix) 2.8.0');
    expect(v28.flakeCheckAllSystems).toBe(false);
    expect(flakeCheckArgs(v28, '/c', {}, [])).not.toContain('--all-systems');
    const v226 = parseNixVersion('nix (Nix) 2.26.3');
    expect(v226.flakeCheckAllSystems).toBe(true);
    expect(parseNixVersion('nix (Nix) 2.15.3').flakeCheckAllSystems).toBe(false);
    expect(parseNixVersion('nix (Nix) 2.16.0').flakeCheckAllSystems).toBe(true);
    expect(flakeCheckArgs(v226, '/c', {}, ['--keep-going']).slice(2)).toEqual(['flake', 'check', '--no-write-lock-file', '--all-systems', '--keep-going', '/c']);
    expect(flakeCheckArgs(v226, '/c', {}, ['--all-systems']).filter((a) => a === '--all-systems')).toHaveLength(1);
    expect(versionAtLeast('2.13.0', 2, 13)).toBe(true);
    expect(versionAtLeast('2.8.0', 2, 13)).toBe(false);
    expect(versionAtLeast('3.1', 2, 20)).toBe(true);
    expect(versionAtLeast(null, 2, 0)).toBe(false);
  });
});

/**
 * The installed Nix, driven the way the adapter chose for its version: these pass on Nix 2.8 and
 * on current Nix alike (docs/nix.md: scripts/with-nix.sh 2.26 runs them on 2.26).
 */
describe('the installed Nix, in the mode detected for it', () => {
  const flake = (checks: string) => `{
  outputs = { self }: let
    drv = system: name: derivation { inherit name system; builder = "/bin/sh"; args = [ "-c" "echo ok > $out" ]; };
  in {
    packages.x86_64-linux.default = drv "x86_64-linux" "adapter-probe-\${builtins.substring 0 8 self.narHash}";
    checks.x86_64-linux.ok = drv "x86_64-linux" "adapter-check";
    checks.aarch64-linux = ${checks};
  };
}
`;

  it('builds and reads the out path back, with --print-out-paths or --json', async () => {
    const info = await nixInfo();
    const dir = tempDir();
    initRepo(dir, { 'flake.nix': flake('{ }') });
    const r = await captureCommand({ command: 'nix', args: buildArgs(info, `${dir}#default`), cwd: dir, env: process.env, timeoutMs: 120_000 });
    expect(succeeded(r), r.stderr).toBe(true);
    const paths = parseBuildOutPaths(info, r.stdoutFull.toString('utf8'));
    expect(paths).toHaveLength(1);
    expect(paths[0]).toMatch(/^\/nix\/store\/[0-9a-z]{32}-adapter-probe-/);
    // The store knows it (a chroot store keeps it elsewhere on disk, so ask Nix, not the file system).
    const known = await captureCommand({ command: 'nix', args: ['--extra-experimental-features', 'nix-command', 'path-info', paths[0]!], cwd: dir, env: process.env, timeoutMs: 60_000 });
    expect(succeeded(known), known.stderr).toBe(true);
  });

  it("rejects a flake whose other system's check does not evaluate, as Nix 2.8 does", async () => {
    const info = await nixInfo();
    const dir = tempDir();
    initRepo(dir, { 'flake.nix': flake('{ broken = throw "aarch64 check broken"; }') });
    const check = (d: string) => captureCommand({ command: 'nix', args: flakeCheckArgs(info, d), cwd: d, env: process.env, timeoutMs: 120_000 });
    const r = await check(dir);
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toContain('aarch64 check broken');
    const good = tempDir();
    initRepo(good, { 'flake.nix': flake('{ }') });
    const ok = await check(good);
    expect(ok.exitCode, ok.stderr).toBe(0);
  });
});

describe('flakePathProblem (what Nix 2.8 takes as a flake path)', () => {
  it('passes the characters Nix reads in a URL path, quotes and $ included', () => {
    expect(flakePathProblem(`/tmp/q'$"d/-dash/a+b,c;d=e/(p)!&*~`)).toBeUndefined();
  });

  it('names each character it cannot take', () => {
    expect(flakePathProblem('/tmp/sp ace/ü/ü')).toBe("Nix cannot use a flake at a path containing ' ' and 'ü' (it reads a flake path as a URL)");
    expect(flakePathProblem('/a#b?c@d:e%f')).toContain("'#', '?', '@', ':' and '%'");
    expect(flakePathProblem('/a\nb')).toContain('"\\n"');
  });
});

describe('Nix configuration', () => {
  it('reads the effective configuration, including pass-through options', async () => {
    const info = await nixInfo();
    const config = await nixConfig(info, { pass: { options: [['system-features', 'benchmark']] } });
    expect(configList(config['system-features'])).toEqual(['benchmark']);
    expect(typeof config.system).toBe('string');
  });

  it('reads the configuration when the version number names the wrong spelling (Lix 2.9x has show-config only)', async () => {
    // Real Nix 2.8 asked with the 2.20 spelling says "'config' is not a recognised command".
    const info = { ...(await nixInfo()), configShow: ['config', 'show'] };
    const config = await nixConfig(info, { pass: { options: [['system-features', 'benchmark']] } });
    expect(configList(config['system-features'])).toEqual(['benchmark']);
  });

  it('names a nix wrapper that prints something other than JSON, instead of failing with a SyntaxError', async () => {
    const bin = tempDir();
    const real = execFileSync('sh', ['-c', 'command -v nix'], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, 'nix'), `#!/bin/sh\necho 'welcome to nix'\nexec ${real} "$@"\n`, { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const err = await nixConfig(await nixInfo(), { env }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'nix-output-not-json' });
    expect(String((err as Error).message)).toContain('welcome to nix');
  });

  it('asks `nix store info` when this Nix has no `store ping`, and reads neither missing as a store it cannot open', async () => {
    const bin = tempDir();
    // A stand-in for a Nix after the alias is gone: no `ping`; `info` cannot reach the daemon.
    writeFileSync(
      join(bin, 'nix'),
      `#!/bin/sh
for a; do last=$a; done
case "$last" in
  ping) echo "error: 'ping' is not a recognised command" >&2; exit 1 ;;
  info) [ -n "$NO_INFO" ] && { echo "error: 'info' is not a recognised command" >&2; exit 1; }
        echo "error: cannot connect to socket at '/nix/var/nix/daemon-socket/socket': Permission denied" >&2; exit 1 ;;
esac
exit 0
`,
      { mode: 0o755 },
    );
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    expect(await nixStoreProblem({}, env)).toMatch(/cannot open its store.*Permission denied/);
    expect(await nixStoreProblem({}, { ...env, NO_INFO: '1' })).toBeUndefined();
    expect(await nixStoreProblem()).toBeUndefined();
  });

  it('reads builder specs inline and from @files', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'machines'), '# comment\nssh://b1 x86_64-linux - 2 1 kvm,nixos-test\n');
    expect(builderSpecs(`ssh://a x86_64-linux; @${join(dir, 'machines')}; @/nonexistent/machines`)).toEqual([
      'ssh://a x86_64-linux',
      'ssh://b1 x86_64-linux - 2 1 kvm,nixos-test',
    ]);
    expect(builderSpecs('')).toEqual([]);
  });

  it('probes a KVM device by opening it', () => {
    expect(kvmUsable('/nonexistent/kvm')).toBe(false);
    expect(kvmUsable('/dev/null')).toBe(true);
  });
});

describe('NixLogTranslator', () => {
  it('turns internal-json back into text and reports build progress', () => {
    const events: NixProgressEvent[] = [];
    const t = new NixLogTranslator((e) => events.push(e));
    expect(t.line('@nix {"action":"start","id":1,"level":3,"text":"evaluating flake","type":0}')).toBe('evaluating flake...');
    expect(t.line('@nix {"action":"start","id":2,"level":5,"text":"checking x","type":0}')).toBeNull();
    expect(t.line('@nix {"action":"msg","level":0,"msg":"\\u001b[31;1merror:\\u001b[0m boom"}')).toBe('error: boom');
    expect(t.line('@nix {"action":"start","fields":["/nix/store/x.drv","",1,1],"id":3,"level":3,"text":"building \'/nix/store/x.drv\'","type":105}')).toBe("building '/nix/store/x.drv'...");
    expect(t.line('@nix {"action":"result","fields":["log line"],"id":3,"type":101}')).toBeNull();
    expect(t.line('@nix {"action":"stop","id":3}')).toBeNull();
    expect(t.line('plain text')).toBe('plain text');
    expect(events.map((e) => [e.kind, e.what, e.done])).toEqual([
      ['build-start', '/nix/store/x.drv', 0],
      ['build-done', '/nix/store/x.drv', 1],
    ]);
  });
});
