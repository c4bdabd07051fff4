import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEMORY_SUBDIRS } from '@autopoietic/core/ledger';
import { analyzeNixSource } from '@autopoietic/core/nix-syntax';
import { AUTONOMY_MODES, HostIdentity, HostPolicy, LEDGERS, ObservationConfig } from '@autopoietic/core/schemas';
import { renderOptionsDoc, type ModuleSource } from '../scripts/generate-options-doc.js';
import { REPO_ROOT } from './support/cli.js';

// The Nix genome and the TypeScript tools describe the same host: the same ledgers, the same
// autonomy ladder, the same /etc/autopoietic files. The modules are read with the real Nix
// syntax layer (tree-sitter), and the golden files of tests/modules (which `nix flake check`
// compares with what the modules generate) are validated with the schemas the CLIs use.

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
