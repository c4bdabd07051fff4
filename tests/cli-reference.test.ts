import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withCliReference } from '../scripts/lib/cli-reference.js';
import { REPO_ROOT, runCli, type CliName } from './support/cli.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

describe('README CLI reference', () => {
  it('is in step with the programs (run `pnpm cli-doc` to refresh it)', () => {
    expect(readme).toBe(withCliReference(readme));
  });

  it('matches what the built bins print for --help', () => {
    for (const cli of ['os-introspect', 'mutation-journal', 'mutation-runner'] as CliName[]) {
      const r = runCli(cli, ['--help']);
      expect(r.code).toBe(0);
      const fence = '```';
      const block = `${fence}text\n${r.stdout.trimEnd()}\n${fence}`;
      expect(readme).toContain(block);
    }
  });
});
