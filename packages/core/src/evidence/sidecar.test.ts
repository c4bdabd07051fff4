import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tmp.js';
import { AosError } from '../cli-kit/errors.js';
import { EvidenceBundle } from '../schemas/evidence.js';
import { OrganReviewOutput } from '../schemas/organ.js';
import { organReviewBundle } from './organ-bundles.js';
import { rawRef } from './refs.js';
import { prepareSidecar, writeSidecar, type SidecarGuard } from './sidecar.js';
import { aosErrorOf } from '../../../../tests/support/errors.js';

const review = OrganReviewOutput.parse({
  schema_version: '0.1.0',
  reviewed_at: '2026-01-01T00:00:00.000Z',
  source: 'memory/organs.jsonl',
  total_organs: 0,
  findings: [],
  active: [],
  candidates: [],
  stale: [],
  duplicate: [],
  failed: [],
  unknown: [],
  retired: [],
});
const bundle = organReviewBundle(review, rawRef('organ-review-output', 'organ review:memory/organs.jsonl', review));

/** A root with a registry input at memory/organs.jsonl. */
function setup(): { root: string; guard: SidecarGuard; registry: string } {
  const root = tempDir();
  mkdirSync(join(root, 'memory'));
  const registry = join(root, 'memory', 'organs.jsonl');
  writeFileSync(registry, '{"name":"a"}\n');
  return { root, registry, guard: { inputs: ['memory/organs.jsonl'], cwd: root } };
}

function refusal(path: string | undefined, guard: SidecarGuard): AosError {
  try {
    prepareSidecar(path, guard);
  } catch (e) {
    if (e instanceof AosError) return e;
    throw e;
  }
  throw new Error(`expected ${path} to be refused`);
}

function expectRefused(path: string, guard: SidecarGuard, pattern: RegExp): void {
  const err = refusal(path, guard);
  expect(err.code).toBe('sidecar-refused');
  expect(err.exit).toBe(2);
  expect(err.message).toMatch(pattern);
  expect(err.hint).toMatch(/create-new only/);
}

describe('prepareSidecar: the one sidecar policy, checked before any work', () => {
  it('returns undefined when no sidecar was asked for, and refuses an empty path', () => {
    const { guard } = setup();
    expect(prepareSidecar(undefined, guard)).toBeUndefined();
    expectRefused('', guard, /is empty/);
  });

  it('accepts a new path, resolves it against the working directory and makes its directory', () => {
    const { root, guard } = setup();
    expect(prepareSidecar('memory/evidence/p4.json', guard)).toMatchObject({
      path: join(root, 'memory', 'evidence', 'p4.json'),
      requested: 'memory/evidence/p4.json',
    });
    expect(statSync(join(root, 'memory', 'evidence')).isDirectory()).toBe(true);
    expect(existsSync(join(root, 'memory', 'evidence', 'p4.json'))).toBe(false);
  });

  it('refuses, before any work, a path on a kernel pseudo-file system (under /proc every other check passes)', () => {
    const { guard } = setup();
    expectRefused('/proc/aos-no-such-dir/bundle.json', guard, /^evidence bundle path \/proc\/aos-no-such-dir\/bundle\.json is on proc \(\/proc\), a kernel pseudo-file system that cannot hold a regular file; write it to a regular directory$/);
  });

  it('refuses overwriting an input source, and leaves it untouched', () => {
    const { registry, guard } = setup();
    expectRefused('memory/organs.jsonl', guard, /must not overwrite input source/);
    expect(readFileSync(registry, 'utf8')).toBe('{"name":"a"}\n');
  });

  it('refuses an absolute alias of a relative input', () => {
    const { registry, guard } = setup();
    expectRefused(registry, guard, /must not overwrite input source/);
    expectRefused(`${registry}/../organs.jsonl`, guard, /must not overwrite input source/);
  });

  it('refuses a missing input too (a journal not created yet)', () => {
    const { guard } = setup();
    const g = { ...guard, inputs: [...guard.inputs, 'memory/mutation-results.jsonl'] };
    expectRefused('./memory/mutation-results.jsonl', g, /must not overwrite input source .*mutation-results.jsonl/);
  });

  it('refuses a ledger that does not exist yet and is no input (it would start with a bundle, and refuse every append)', () => {
    const { root, guard } = setup();
    expectRefused('memory/effects.jsonl', guard, /is named like a ledger or a file kept beside one \(effects\.jsonl\); name a new \.json file$/);
    expectRefused('memory/effects.jsonl.checkpoint.json', guard, /named like a ledger/);
    expect(existsSync(join(root, 'memory', 'effects.jsonl'))).toBe(false);
  });

  it('refuses an existing symlink sidecar, even a dangling one, without touching its target', () => {
    const { root, registry, guard } = setup();
    symlinkSync(registry, join(root, 'bundle.json'));
    symlinkSync(join(root, 'nowhere'), join(root, 'dangling.json'));
    expectRefused('bundle.json', guard, /traverses a symlink at .*bundle\.json/);
    expectRefused('dangling.json', guard, /traverses a symlink/);
    expect(readFileSync(registry, 'utf8')).toBe('{"name":"a"}\n');
    expect(existsSync(join(root, 'nowhere'))).toBe(false);
  });

  it('refuses a symlink in any directory component', () => {
    const { root, guard } = setup();
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'link'));
    expectRefused('link/sub/bundle.json', guard, /traverses a symlink at .*\/link$/);
  });

  it('refuses a normalized missing/../x that lands on a symlink', () => {
    const { root, registry, guard } = setup();
    symlinkSync(registry, join(root, 'bundle.json'));
    expectRefused('missing/../bundle.json', guard, /traverses a symlink/);
  });

  it('removes .. lexically: link/../safe/x is written inside the root, not through the link', () => {
    const { root, guard } = setup();
    const outside = tempDir();
    symlinkSync(join(outside, 'deep', 'er'), join(root, 'link'));
    mkdirSync(join(outside, 'deep', 'er'), { recursive: true });
    const target = prepareSidecar('link/../safe/bundle.json', guard)!;
    expect(target.path).toBe(join(root, 'safe', 'bundle.json'));
    writeSidecar(target, bundle);
    expect(existsSync(join(root, 'safe', 'bundle.json'))).toBe(true);
    expect(readdirSync(join(outside, 'deep'))).toEqual(['er']);
    expect(existsSync(join(outside, 'safe'))).toBe(false);
  });

  it('refuses a hard link of an input', () => {
    const { root, registry, guard } = setup();
    linkSync(registry, join(root, 'hard.json'));
    expectRefused('hard.json', guard, /must not overwrite input source .*organs\.jsonl/);
  });

  it('refuses an input reached through a symlink alias (same file once resolved)', () => {
    const { root, guard } = setup();
    // The journal is named through a symlinked directory and does not exist yet; the sidecar names its real path.
    mkdirSync(join(root, 'state'));
    symlinkSync(join(root, 'state'), join(root, 'state-link'));
    const g = { ...guard, inputs: ['state-link/results.jsonl'] };
    expectRefused('state/results.jsonl', g, /must not overwrite input source .*state-link\/results\.jsonl/);
    // An existing journal reached through a symlinked file name: the alias itself and its target.
    writeFileSync(join(root, 'state', 'real.jsonl'), '{"seq":1}\n');
    symlinkSync('real.jsonl', join(root, 'state', 'alias.jsonl'));
    const g2 = { ...guard, inputs: ['state/alias.jsonl'] };
    expectRefused('state/real.jsonl', g2, /must not overwrite input source/);
    expectRefused('state/alias.jsonl', g2, /symlink/);
    expect(readFileSync(join(root, 'state', 'real.jsonl'), 'utf8')).toBe('{"seq":1}\n');
  });

  it('refuses a descendant of a missing input and creates no directory', () => {
    const root = tempDir();
    const guard = { inputs: ['memory/organs.jsonl'], cwd: root };
    expectRefused('memory/organs.jsonl/bundle.json', guard, /lies under input source/);
    expect(readdirSync(root)).toEqual([]);
  });

  it('refuses a descendant of an existing input, and an ancestor of a missing one', () => {
    const { guard } = setup();
    expectRefused('memory/organs.jsonl/x/bundle.json', guard, /lies under input source/);
    const g = { ...guard, inputs: ['state/journal/results.jsonl'] };
    expectRefused('state/journal', g, /is a directory of input source/);
  });

  it('refuses a path inside the target root or a forbidden directory, also through a symlinked spelling', () => {
    const { root, guard } = setup();
    mkdirSync(join(root, 'target'));
    mkdirSync(join(root, 'work', 'candidate'), { recursive: true });
    expectRefused('target/bundle.json', { ...guard, targetRoot: 'target' }, /inside the target root/);
    expectRefused('target', { ...guard, targetRoot: join(root, 'target') }, /inside the target root/);
    expectRefused('work/candidate/memory/evidence/p1.json', { ...guard, forbiddenDirs: ['work/candidate'] }, /inside .*candidate, where evidence/);
    // the worktree is named through a symlink; the sidecar uses the real spelling
    symlinkSync(join(root, 'work'), join(root, 'work-link'));
    expectRefused('work/candidate/x.json', { ...guard, forbiddenDirs: ['work-link/candidate'] }, /where evidence must not be written/);
    expect(prepareSidecar('work/other.json', { ...guard, forbiddenDirs: ['work/candidate'], targetRoot: 'target' })).toBeDefined();
  });

  it('refuses an existing file or directory (create-new only) and a file where a directory is needed', () => {
    const { root, guard } = setup();
    writeFileSync(join(root, 'old.json'), 'keep');
    expectRefused('old.json', guard, /already exists/);
    mkdirSync(join(root, 'dir'));
    expectRefused('dir', guard, /already exists/);
    expectRefused('old.json/new.json', guard, /needs .*old\.json to be a directory/);
    expect(readFileSync(join(root, 'old.json'), 'utf8')).toBe('keep');
  });
});

describe('writeSidecar', () => {
  it('writes pretty JSON plus a newline, creating parent directories, and returns its digest', () => {
    const { root, guard } = setup();
    const target = prepareSidecar('memory/evidence/review.json', guard)!;
    const written = writeSidecar(target, bundle);
    const text = readFileSync(join(root, 'memory', 'evidence', 'review.json'), 'utf8');
    expect(text).toBe(`${JSON.stringify(bundle, null, 2)}\n`);
    expect(EvidenceBundle.parse(JSON.parse(text)).claims![0]!.claim).toBe('organ decay review generated');
    expect(written).toMatchObject({ path: target.path, bytes: Buffer.byteLength(text) });
    expect(written.sha256).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('refuses (exit 1) when the path appeared while the command ran, and keeps what is there', () => {
    const { root, guard } = setup();
    const target = prepareSidecar('late.json', guard)!;
    writeFileSync(join(root, 'late.json'), 'raced');
    const err = aosErrorOf(() => writeSidecar(target, bundle));
    expect(err.exit).toBe(1);
    expect(err.message).toMatch(/already exists \(it changed while the command ran\)/);
    expect(readFileSync(join(root, 'late.json'), 'utf8')).toBe('raced');
  });

  it('refuses a bundle that does not satisfy the schema and writes nothing', () => {
    const { root, guard } = setup();
    const target = prepareSidecar('bad.json', guard)!;
    const bad = { ...bundle, subject: { mutation_id: 'm', proposal_fingerprint: 'p' } } as EvidenceBundle;
    expect(() => writeSidecar(target, bad)).toThrow(/EvidenceBundle schema/);
    expect(existsSync(join(root, 'bad.json'))).toBe(false);
  });
});

