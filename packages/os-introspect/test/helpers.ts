import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import type { SelfState } from '@autopoietic/core/schemas';
import { REPO_ROOT, runCli, type CliResult } from '../../../tests/support/cli.js';
import { tempDir, writeTree } from '../../../tests/support/tmp.js';
import { GENOME_TREE } from './fixtures/genome.js';

/** The committed JSON Schema (memory/self-state.schema.json), compiled once with ajv's 2020 dialect. */
const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'memory', 'self-state.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ strict: false, allErrors: true, logger: false }).compile(schema);

export function expectValidSelfState(value: unknown): SelfState {
  const ok = validate(value);
  expect(validate.errors ?? [], 'self-state matches memory/self-state.schema.json').toEqual([]);
  expect(ok).toBe(true);
  return value as SelfState;
}

export interface Sandbox {
  root: string;
  memory: string;
  etc: string;
  home: string;
}

/** A fixture genome plus an empty memory dir, etc dir and HOME, all in one temp dir. */
export function sandbox(tree: Record<string, string> = GENOME_TREE): Sandbox {
  const base = tempDir('aos-introspect-');
  const s = { root: join(base, 'genome'), memory: join(base, 'memory'), etc: join(base, 'etc'), home: join(base, 'home') };
  for (const d of Object.values(s)) mkdirSync(d, { recursive: true });
  writeTree(s.root, tree);
  return s;
}

/** Runs the built os-introspect against a sandbox (its etc dir and HOME, never the machine's). */
/** The sandbox's places, each unless `args` names its own (a flag given twice is a usage error). */
export function sandboxArgs(s: Sandbox, args: string[] = []): string[] {
  const defaults: Array<[string, string]> = [['--root', s.root], ['--memory-dir', s.memory], ['--etc-dir', s.etc]];
  return [...defaults.filter(([flag]) => !args.includes(flag)).flat(), ...args];
}

export function introspectCli(s: Sandbox, args: string[] = [], env: Record<string, string> = {}): CliResult {
  return runCli('os-introspect', sandboxArgs(s, args), { env: { HOME: s.home, ...env } });
}

export function observe(s: Sandbox, args: string[] = [], env: Record<string, string> = {}): SelfState {
  const r = introspectCli(s, args, env);
  expect(r.code, r.stderr).toBe(0);
  return expectValidSelfState(r.json());
}

/** A PATH whose first directory holds the given tools as shell scripts, then the real PATH (coreutils, sleep, kill). */
export function fakeToolsPath(tools: Record<string, string>): string {
  const dir = join(tempDir('aos-fake-tools-'), 'bin');
  mkdirSync(dir);
  for (const [name, body] of Object.entries(tools)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`;
}
