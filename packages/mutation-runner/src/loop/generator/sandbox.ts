import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { isInsideDir, makeOwnedScratchDir, onInterrupt, removeScratchTree } from '@autopoietic/core/adapters';
import { byCodeUnit, Framer } from '@autopoietic/core/canonical';
import { AosError } from '@autopoietic/core/cli-kit';
import type { FileSet } from '../../candidate/fileset.js';
import { materialise } from '../../candidate/materialise.js';

/**
 * Where a generator runs: a fresh scratch directory outside the genome holding
 *   genome/        a read-only copy of the genome's working set (what verify's candidate is
 *                  built from: tracked and untracked-but-not-ignored files, no .git, no ledgers,
 *                  no memory or proposals directory), from the live snapshot evolve keeps;
 *   work/          a writable directory for the generator's own files;
 *   handoff.json   the hand-off it also gets on stdin (read-only);
 *   .autopoietic-owner.json   who made the sandbox, so that a later run removes it if this one
 *                  is killed before it can (read-only).
 * The generator is started in this directory and is only ever told these paths, never the live
 * genome's. Read-only is a file mode, so it binds generators not running as root; whatever any
 * generator does, the copy is compared with its digest afterwards and the live genome with its
 * own (evolve/guard.ts), and a change to either ends the attempt as an error.
 */
export interface Sandbox {
  dir: string;
  genome: string;
  work: string;
  handoff: string;
  /** Digest of the copy as made. */
  digest: string;
  dispose(): void;
}

export async function createSandbox(root: string, set: FileSet, handoffText: string): Promise<Sandbox> {
  // Owned: the sandboxes of runs that died without removing theirs (SIGKILL, the OOM killer),
  // each a copy of the genome, are removed here once their run is provably gone.
  const dir = makeOwnedScratchDir('autopoietic-generator-', "the generator's sandbox (a copy of the genome)");
  if (isInsideDir(dir, root)) {
    removeScratchTree(dir);
    throw new AosError('sandbox-inside-genome', `the temp directory ${dir} is inside the genome ${root}`, { hint: 'Point TMPDIR outside the genome.' });
  }
  const unhook = onInterrupt(() => removeScratchTree(dir));
  const sandbox: Sandbox = { dir, genome: join(dir, 'genome'), work: join(dir, 'work'), handoff: join(dir, 'handoff.json'), digest: '', dispose: () => {
    unhook();
    removeScratchTree(dir);
  } };
  try {
    mkdirSync(sandbox.genome);
    mkdirSync(sandbox.work);
    await materialise(set, sandbox.genome);
    writeFileSync(sandbox.handoff, handoffText, { mode: 0o444 });
    makeReadOnly(sandbox.genome);
    sandbox.digest = treeDigest(sandbox.genome);
    return sandbox;
  } catch (e) {
    sandbox.dispose();
    throw e;
  }
}

function makeReadOnly(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) makeReadOnly(p);
    else if (e.isFile()) chmodSync(p, lstatSync(p).mode & 0o111 ? 0o555 : 0o444);
  }
  chmodSync(dir, 0o555);
}

/** Digest of a directory tree: every entry's path, type, mode and content (or link target). */
export function treeDigest(dir: string): string {
  const f = new Framer('autopoietic-sandbox-tree-v1');
  const walk = (d: string, rel: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true }).sort((a, b) => byCodeUnit(a.name, b.name));
    } catch {
      f.str(`unreadable:${rel}`);
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      const st = lstatSync(p);
      f.str(r).str(String(st.mode));
      if (e.isDirectory()) walk(p, r);
      else if (e.isFile()) f.bytes(readFileSync(p));
    }
  };
  walk(dir, '');
  return f.digest();
}
