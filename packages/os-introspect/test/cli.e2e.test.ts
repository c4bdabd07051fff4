import { execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';
import { runInTerminal } from '../../../tests/support/terminal.js';
import { GENOME_TREE } from './fixtures/genome.js';
import { expectValidSelfState, introspectCli, sandbox, sandboxArgs } from './helpers.js';

// argv -> exit code, stdout and files, through the built bin.
describe('os-introspect command line', () => {
  it('documents every flag in --help', () => {
    const r = runCli('os-introspect', ['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--root', '--output', '--project-root', '--max-project-files', '--journal-lines', '--include-shell-history', '--shell-history-lines', '--eval', '--format', '--etc-dir', '--memory-dir', '--no-cache', '--jobs']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it.each([
    [['--format', 'xml'], '--format must be json or summary'],
    [['--jobs', '0'], '--jobs must be at least 1'],
    [['--jobs', 'many'], '--jobs must be auto or a whole number'],
    [['--max-project-files', 'abc'], '--max-project-files must be a whole number'],
    [['--journal-lines', '-1'], '--journal-lines must be a whole number'],
    [['--shell-history-lines', '0'], '--shell-history-lines must be at least 1'],
    [['--journal-lines', '9007199254740993'], '--journal-lines must be at most 9007199254740991'],
  ])('rejects %j with exit 2 before observing anything', (args, message) => {
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    const r = introspectCli(s, args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(readdirSync(s.memory)).toEqual([]);
  });

  it('logs to a terminal in colour, and without any when NO_COLOR is set (no-color.org)', () => {
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    // --jobs past what the machine runs is a warning at the tests' level (warn), in every run that
    // parses (--no-cache: a warm run parses nothing).
    const args = [...sandboxArgs(s), '--jobs', '999', '--no-cache'];
    const coloured = runInTerminal('os-introspect', args, { env: { HOME: s.home } });
    expect(coloured.code).toBe(0);
    expect(coloured.screen).toContain('--jobs 999 is more than this machine can run');
    expect(coloured.screen).toMatch(/\u001b\[[0-9;]*m/);
    for (const NO_COLOR of ['1', 'true']) {
      const plain = runInTerminal('os-introspect', args, { env: { HOME: s.home, NO_COLOR } });
      expect(plain.code).toBe(0);
      expect(plain.screen).toContain('--jobs 999 is more than this machine can run');
      expect(plain.screen).not.toContain('\u001b');
    }
    // Set but empty is not set (the convention's own rule).
    expect(runInTerminal('os-introspect', args, { env: { HOME: s.home, NO_COLOR: '' } }).screen).toMatch(/\u001b\[[0-9;]*m/);
  });

  it('exits 2 on an unknown flag', () => {
    const r = runCli('os-introspect', ['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it('writes --output atomically (parents created), and prints nothing else to stdout', () => {
    const s = sandbox();
    const out = join(s.home, 'nested', 'dir', 'self-state.json');
    const r = introspectCli(s, ['--output', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const text = readFileSync(out, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expectValidSelfState(JSON.parse(text));
    expect(readdirSync(join(s.home, 'nested', 'dir'))).toEqual(['self-state.json']);
    writeFileSync(out, 'old');
    expect(introspectCli(s, ['--output', out]).code).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toBe('old');
  });

  it('writes --output into a FIFO (as into a device), and through a symlink, instead of replacing them with a file', async () => {
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    // Renaming a temp file over /dev/null made it a regular file for the whole machine (as root).
    // A FIFO of its own takes the same path through writeOutputFile, and a regression of this
    // test then breaks nothing outside its temp dir.
    writeFileSync(join(s.home, 'real.json'), 'old');
    symlinkSync('real.json', join(s.home, 'link.json'));
    expect(introspectCli(s, ['--output', join(s.home, 'link.json')]).code).toBe(0);
    expect(lstatSync(join(s.home, 'link.json')).isSymbolicLink()).toBe(true);
    expectValidSelfState(JSON.parse(readFileSync(join(s.home, 'real.json'), 'utf8')));

    const fifo = join(s.home, 'pipe');
    execFileSync('mkfifo', [fifo]);
    symlinkSync('pipe', join(s.home, 'to-pipe'));
    for (const target of [fifo, join(s.home, 'to-pipe')]) {
      const reader = spawn('cat', [fifo]);
      let piped = '';
      reader.stdout.on('data', (d: Buffer) => (piped += d.toString('utf8')));
      const done = new Promise((resolve) => reader.on('close', resolve));
      expect(introspectCli(s, ['--output', target]).code).toBe(0);
      await done;
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      expectValidSelfState(JSON.parse(piped));
    }
    expect(lstatSync(join(s.home, 'to-pipe')).isSymbolicLink()).toBe(true);
  });

  it('keeps a line feed in a path it names from starting a line of its own on stderr', () => {
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    const root = join(s.home, 'gone\nerror[none]: all is well\nhint: nothing to do');
    const r = introspectCli(s, ['--root', root]);
    expect(r.code).toBe(1);
    const atMargin = r.stderr.split('\n').filter((l) => l !== '' && !/^[ \t]/.test(l));
    expect(atMargin).toEqual([expect.stringMatching(/^error\[root-not-found\]: /), expect.stringMatching(/^hint: /)]);
    expect(r.stderr).toContain('\n  error[none]: all is well\n  hint: nothing to do');
  });

  it('replaces a dangling symlink at --output with the file, and creates nothing where it points', () => {
    // Creating a file through a link whose target does not exist is how a link planted in a
    // shared directory (/tmp) makes a root run write where it chose: only existing files are
    // written through a link.
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    const target = join(s.home, 'elsewhere', 'planted.json');
    mkdirSync(join(s.home, 'elsewhere'));
    symlinkSync(target, join(s.home, 'dangling.json'));
    expect(introspectCli(s, ['--output', join(s.home, 'dangling.json')]).code).toBe(0);
    expect(lstatSync(join(s.home, 'dangling.json')).isFile()).toBe(true);
    expectValidSelfState(JSON.parse(readFileSync(join(s.home, 'dangling.json'), 'utf8')));
    expect(existsSync(target)).toBe(false);
  });

  it('refuses an --output that is a directory or named like a ledger before observing (exit 2), and writes nothing', () => {
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    const out = join(s.home, 'is-a-dir');
    mkdirSync(out);
    const r = introspectCli(s, ['--output', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error[output-is-directory]: --output ${out} is a directory`);
    expect(readdirSync(s.home)).toEqual(['is-a-dir']);
    expect(readdirSync(out)).toEqual([]);
    // It replaced the organ registry with a self-state, and exited 0.
    const registry = join(s.memory, 'organs.jsonl');
    mkdirSync(s.memory, { recursive: true });
    writeFileSync(registry, 'kept\n');
    for (const target of [registry, join(s.memory, 'effects.jsonl')]) {
      const l = introspectCli(s, ['--output', target]);
      expect(l.code).toBe(2);
      expect(l.stderr).toContain(`error[output-is-ledger]: --output ${target} names a ledger file`);
    }
    expect(readFileSync(registry, 'utf8')).toBe('kept\n');
    expect(existsSync(join(s.memory, 'effects.jsonl'))).toBe(false);
  });

  it('prints a short summary: hosts, modules, options, inputs with age, ledgers, parse errors', () => {
    const s = sandbox();
    const r = introspectCli(s, ['--format', 'summary']);
    expect(r.code, r.stderr).toBe(0);
    const text = r.stdout;
    expect(text).toContain('host alpha-01 (development, research)  [identity from genome]');
    expect(text).toMatch(/10 \.nix files \(10 parsed, 0 from cache, no workers\), 8 modules, 3 options, 3 import edges/);
    expect(text).toContain('hosts: alpha (5 module files + 1 other, identity alpha-01), beta (1 module file)');
    expect(text).toMatch(/inputs: home-manager github:nix-community\/home-manager@aaaaaaa, \d+ (months|years) old; nixpkgs github:NixOS\/nixpkgs@bbbbbbb/);
    expect(text).toContain("broken/bad.nix:3:7: syntax-error: syntax error, unexpected ';'");
    expect(text).toMatch(/organs +missing +absent/);
    expect(existsSync(join(s.memory, 'cache'))).toBe(true);
  });

  it('summary: a host whose module list is computed is not "0 module files"', () => {
    // `d = mkOther "d";` (a helper defined in another file) or `modules = [ ./x.nix ] ++ extra`:
    // the reader cannot list every module, and the summary must not claim the host has none (or
    // only those). A helper bound in the flake's let (`mkHost`) is read through.
    const s = sandbox({
      'flake.nix': `{
  outputs = { self, nixpkgs }: let
    mkHost = name: nixpkgs.lib.nixosSystem { modules = [ ./hosts/\${name}.nix ]; };
    extra = builtins.attrValues self.nixosModules;
    mkOther = import ./lib/mk-host.nix nixpkgs;
  in {
    nixosConfigurations.a = mkHost "a";
    nixosConfigurations.b = nixpkgs.lib.nixosSystem { modules = [ ./b.nix ] ++ extra; };
    nixosConfigurations.c = nixpkgs.lib.nixosSystem { modules = [ ./b.nix ]; };
    nixosConfigurations.d = mkOther "d";
    checks = nixpkgs.lib.genAttrs [ "x86_64-linux" ] (system: import ./checks.nix);
  };
}
`,
      'b.nix': '{ ... }: { }\n',
      'hosts/a.nix': '{ ... }: { }\n',
    });
    const r = introspectCli(s, ['--format', 'summary']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('hosts: a (1 module file), b (1 module file + computed), c (1 module file), d (modules computed)');
    // Checks computed by genAttrs are named by their pattern, not left out.
    expect(r.stdout).toMatch(/outputs: nixosConfigurations\.a, nixosConfigurations\.b, nixosConfigurations\.c, nixosConfigurations\.d, checks\.<system>\.<name> \(computed\)\n/);
  });

  it('prints a genome file name holding terminal escapes or a newline as escapes, on one line', () => {
    const s = sandbox({ ...GENOME_TREE, 'modules/x\u001b[2J\u001b]0;pwned\u0007\ny.nix': '{ broken = ; }' });
    const r = introspectCli(s, ['--format', 'summary']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/[\u001b\u0007]/);
    expect(r.stdout).toMatch(/^ {4}modules\/x\\u001b\[2J\\u001b\]0;pwned\\u0007\\ny\.nix(:\d+:\d+)?: syntax-error/m);
  });
});
