// Helpers for the propose / handoff / evolve tests: the example genome as a real git repository,
// the shipped generator, host policies, and ledger readers.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { initRepo } from '../../../tests/support/git.js';
import { tempDir } from '../../../tests/support/tmp.js';

export const EXAMPLE_GENOME = join(REPO_ROOT, 'examples', 'genome');
export const RULE_BASED = join(REPO_ROOT, 'examples', 'generators', 'rule-based.mjs');
export const HOST_GOAL = 'set `autopoietic.identity.host` to `seed-02` on host `seed`';

/** The example genome (input-free flake, /bin/sh checks) copied into a fresh committed git repository. */
export function exampleGenome(): string {
  const root = join(tempDir('aos-evolve-genome-'), 'genome');
  mkdirSync(root);
  cpSync(EXAMPLE_GENOME, root, { recursive: true });
  initRepo(root);
  return root;
}

/** The seed host's configuration in the example genome. */
export const HOST_FILE = 'hosts/seed/configuration.nix';

/** The example genome with one uncommitted change (the seed host renamed), for propose to pick up. */
export function changedGenome(): string {
  const root = exampleGenome();
  const file = join(root, HOST_FILE);
  writeFileSync(file, readFileSync(file, 'utf8').replace('"seed-01"', '"seed-02"'));
  return root;
}

/** A host policy directory whose mutation-runner.json sets `mode`. */
export function etcWithMode(mode: string): string {
  const dir = tempDir('aos-etc-');
  writeFileSync(join(dir, 'mutation-runner.json'), `${JSON.stringify({ mode })}\n`);
  return dir;
}

/** A small Node script used as a generator, written outside any genome. */
export function scriptGenerator(name: string, body: string): string {
  const file = join(tempDir('aos-generator-'), `${name}.mjs`);
  writeFileSync(file, body);
  return `${process.execPath} ${file}`;
}
