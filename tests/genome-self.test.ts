import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MEMORY_SUBDIRS } from '@autopoietic/core/ledger';
import { analyzeNixSource } from '@autopoietic/core/nix-syntax';
import { AUTONOMY_MODES, HostIdentity, HostPolicy, LEDGERS, ObservationConfig } from '@autopoietic/core/schemas';
import { OPTIONS_DOC, renderOptionsDoc, type ModuleSource } from '../scripts/generate-options-doc.js';
import { REPO_ROOT, runCli } from './support/cli.js';
import { tempDir } from './support/tmp.js';

// The genome must be legible to its own observer: the built os-introspect, run on this
// repository, finds the flake outputs, both hosts and every autopoietic.* option, and
// docs/options.md is exactly what that self-state renders to. The Nix genome and the TypeScript
// tools also describe the same host: the same ledgers, the same autonomy ladder, the same
// /etc/autopoietic files (the golden files of tests/modules, which `nix flake check` compares
// with what the modules generate, are validated with the schemas the CLIs use).

const read = (rel: string) => readFileSync(join(REPO_ROOT, rel), 'utf8');
const goldenJson = (rel: string): unknown => JSON.parse(read(join('tests/modules', rel)));

async function moduleOptions(rel: string) {
  const analysis = await analyzeNixSource(read(rel));
  expect(analysis.syntax.errors, `${rel} has syntax errors`).toEqual([]);
  return analysis.module?.options ?? [];
}

async function option(rel: string, path: string) {
  const found = (await moduleOptions(rel)).find((o) => o.path === path);
  expect(found, `${rel} does not declare ${path}`).toBeDefined();
  return found!;
}

describe('the NixOS modules agree with the tools', () => {
  it('memory.nix creates exactly the ledgers the tools use', async () => {
    const ledgers = await option('modules/core/memory.nix', 'autopoietic.memory.ledgers');
    const files = Object.values(LEDGERS).map((l) => l.file);
    expect(ledgers.default_value).toEqual(files);
  });

  it('memory.nix creates the subdirectories the tools keep beside the ledgers', () => {
    const block = /subdirs = \[([^\]]*)\];/.exec(read('modules/core/memory.nix'))?.[1];
    expect(block, 'memory.nix has no `subdirs = [ ... ];` binding').toBeDefined();
    const subdirs = [...block!.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    expect(subdirs).toEqual(Object.values(MEMORY_SUBDIRS));
  });

  it('mutation-runner.nix offers exactly the autonomy ladder, lowest first, observe-only by default', async () => {
    const mode = await option('modules/core/mutation-runner.nix', 'autopoietic.mutationRunner.mode');
    const values = [...(mode.type ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    expect(values).toEqual([...AUTONOMY_MODES]);
    expect(mode.default_value).toBe('observe-only');
  });

  it('the generated /etc/autopoietic files are what the CLIs accept', () => {
    for (const golden of ['mutation-runner/defaults.json', 'mutation-runner/policy.json']) {
      expect(() => HostPolicy.parse(goldenJson(golden)), golden).not.toThrow();
    }
    expect(() => HostIdentity.parse(goldenJson('identity/default-host.json'))).not.toThrow();
    expect(() => ObservationConfig.parse(goldenJson('observation/roots.json'))).not.toThrow();
  });

  it('the policy golden exercises every field of the host policy', () => {
    const policy = goldenJson('mutation-runner/policy.json') as Record<string, unknown>;
    expect(Object.keys(policy).sort()).toEqual(Object.keys(HostPolicy.shape).sort());
  });
});

describe('renderOptionsDoc', () => {
  const modules: ModuleSource[] = [
    {
      path: 'modules/b.nix',
      options: [
        {
          path: 'autopoietic.b.mode',
          declared_with: 'mkOption',
          type: 'types.enum [ "x" "y" ]',
          default: '"x"',
          description: '"Which | one."',
          example: null,
          default_value: 'x',
          description_value: 'Which | one.',
          line: 7,
        },
        { path: 'other.thing', declared_with: 'mkOption', type: null, default: null, description: null, example: null, line: 1 },
      ],
    },
    {
      path: 'modules/a.nix',
      options: [
        {
          path: 'autopoietic.a.enable',
          declared_with: 'mkEnableOption',
          type: 'lib.types.bool',
          default: 'false',
          description: '"the a organ"',
          example: null,
          default_value: false,
          line: 3,
        },
        {
          path: 'autopoietic.a.host',
          declared_with: 'mkOption',
          type: 'types.str',
          default: 'config.networking.hostName',
          description: "''\n  Host name.\n''",
          example: '"aion"',
          description_value: 'Host name.\n',
          line: 9,
        },
      ],
    },
  ];

  it('lists only autopoietic.* options, sorted, with type, default, example and source line', () => {
    const doc = renderOptionsDoc(modules);
    expect(doc).not.toContain('other.thing');
    expect(doc).toContain('(3 options)');
    const headings = [...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(['autopoietic.a.enable', 'autopoietic.a.host', 'autopoietic.b.mode']);
    expect(doc).toContain('| [`autopoietic.b.mode`](#autopoieticbmode) | `types.enum [ "x" "y" ]` | `"x"` |');
    expect(doc).toContain('\n\nWhich | one.\n\n');
    expect(doc).toContain('- Default: `config.networking.hostName` (Nix expression)');
    expect(doc).toContain('- Example: `"aion"`');
    expect(doc).toContain('- Declared in: [`modules/a.nix:9`](../modules/a.nix#L9)');
    expect(doc).toContain('## autopoietic.a.enable\n\nWhether to enable the a organ.\n');
  });

  it('is deterministic and ends with one newline', () => {
    const a = renderOptionsDoc(modules);
    expect(renderOptionsDoc([...modules].reverse())).toBe(a);
    expect(a.endsWith('\n') && !a.endsWith('\n\n')).toBe(true);
  });
});

interface SelfStateView {
  genome: {
    has_flake: boolean;
    has_lock: boolean;
    inputs: { name: string; follows?: string }[];
    outputs: { attr: string; static: boolean; file: string | null }[];
    hosts: { name: string; file: string; modules: string[]; closure: string[]; identity: { host: string | null; roles: string[] | null } }[];
    modules: ModuleSource[];
    nix_files: { path: string; parse: { status: string } }[];
  };
}

const CORE_MODULES = ['agent-runtime', 'default', 'identity', 'memory', 'mutation-runner', 'observation'].map(
  (m) => `modules/core/${m}.nix`,
);

describe('os-introspect reads this genome', () => {
  let state: SelfStateView;
  let closureModules: ModuleSource[];

  beforeAll(() => {
    const scratch = tempDir('aos-genome-self-');
    // Observe the genome only: no host policy or identity of this machine, a scratch memory.
    const r = runCli('os-introspect', ['--root', REPO_ROOT, '--etc-dir', join(scratch, 'etc'), '--memory-dir', join(scratch, 'memory')]);
    expect(r.code, r.stderr).toBe(0);
    state = r.json() as SelfStateView;
    const used = new Set(state.genome.hosts.flatMap((h) => h.closure));
    closureModules = state.genome.modules.filter((m) => used.has(m.path));
  });

  it('finds the flake, its lock and the two direct inputs', () => {
    expect(state.genome.has_flake).toBe(true);
    expect(state.genome.has_lock).toBe(true);
    expect(state.genome.inputs.map((i) => i.name).sort()).toEqual(['home-manager', 'nixpkgs']);
  });

  it('finds every flake output the genome declares', () => {
    const outputs = state.genome.outputs.filter((o) => o.file === 'flake.nix').map((o) => o.attr);
    expect(outputs.sort()).toEqual(
      [
        'packages.<system>.autopoietic-tools',
        'packages.<system>.default',
        // packages.x86_64-linux.iso: added with lib.optionalAttrs, which the syntax layer reports
        // as a computed name.
        'packages.<system>.<name>',
        'apps.<system>.os-introspect',
        'apps.<system>.mutation-journal',
        'apps.<system>.mutation-runner',
        'apps.<system>.default',
        'devShells.<system>.default',
        'formatter.<system>',
        'nixosModules.autopoietic-core',
        'nixosModules.default',
        'nixosConfigurations.aion',
        'nixosConfigurations.iso',
        // The checks are imported from nix/checks.nix and tests/vm.
        'checks.<system>.<name>',
      ].sort(),
    );
  });

  it('finds both hosts with their modules and identity', () => {
    const hosts = Object.fromEntries(state.genome.hosts.map((h) => [h.name, h]));
    expect(Object.keys(hosts).sort()).toEqual(['aion', 'iso']);
    expect(hosts.aion!.identity).toMatchObject({ host: 'aion', roles: ['development', 'research', 'writing'] });
    expect(hosts.iso!.identity).toMatchObject({ host: 'autopoietic-iso', roles: ['installer', 'live', 'observe-only'] });
    for (const name of ['aion', 'iso']) {
      expect(hosts[name]!.modules).toContain(`hosts/${name}/configuration.nix`);
      expect(hosts[name]!.closure).toEqual(expect.arrayContaining(CORE_MODULES));
    }
  });

  it('finds every autopoietic.* option, each with a type and a description', () => {
    const options = closureModules.flatMap((m) => m.options).filter((o) => o.path.startsWith('autopoietic.'));
    expect(options.map((o) => o.path).sort()).toEqual(
      [
        'autopoietic.enable',
        'autopoietic.package',
        'autopoietic.installTools',
        'autopoietic.identity.host',
        'autopoietic.identity.roles',
        'autopoietic.memory.dir',
        'autopoietic.memory.group',
        'autopoietic.memory.groupWritable',
        'autopoietic.memory.ledgers',
        'autopoietic.observation.projectRoots',
        'autopoietic.observation.includeShellHistoryByDefault',
        'autopoietic.mutationRunner.mode',
        'autopoietic.mutationRunner.protectedPaths',
        'autopoietic.mutationRunner.operatorChecks',
        'autopoietic.mutationRunner.defaultTimeoutSeconds',
        'autopoietic.mutationRunner.checkTimeouts',
        'autopoietic.agentRuntime.enable',
        'autopoietic.agentRuntime.command',
        'autopoietic.agentRuntime.group',
        'autopoietic.agentRuntime.restartSec',
      ].sort(),
    );
    const undocumented = options.filter((o) => o.type === null || o.description === null).map((o) => o.path);
    expect(undocumented, 'options without a type or description').toEqual([]);
  });

  it('parses every .nix file of the tree', () => {
    const failing = state.genome.nix_files.filter((f) => f.parse.status !== 'ok').map((f) => `${f.path}: ${f.parse.status}`);
    expect(failing).toEqual([]);
  });

  it('renders docs/options.md exactly as committed (regenerate with scripts/generate-options-doc.ts)', () => {
    expect(readFileSync(OPTIONS_DOC, 'utf8')).toBe(renderOptionsDoc(closureModules));
  });
});
