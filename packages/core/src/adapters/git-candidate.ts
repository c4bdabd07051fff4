import { createHash } from 'node:crypto';
import { git } from './git.js';

// A candidate's own repository, index and tree: written hermetically, never sharing an object
// with the live repository (git.ts).

/**
 * Makes `dir` a standalone repository for a candidate. Nothing is shared with the live
 * repository: git freshens (utime) an existing object whenever it would write it again, and it
 * does so through hard links (`clone --local`) and alternates (`clone --shared`) alike, so any
 * object sharing would touch the live .git. No template (`--template=`): hook samples and
 * `info/exclude` are not needed, and every file created costs time on a busy file system.
 */
export async function initCandidateRepo(dir: string): Promise<void> {
  await git(dir, ['init', '-q', '--template=', '-b', 'candidate', '.'], { hermetic: true });
}

/** Paths handed to a running git process as they become ready (see `indexWorkTreeFiles`). */
export interface PathFeed {
  add(paths: readonly string[]): void;
  /** No more paths: resolves once git has finished (and written the index), rejects if it failed. */
  end(): Promise<void>;
}

/**
 * Fills a candidate's index from its work tree without writing any object: one
 * `git update-index --add --info-only -z --stdin`, fed the paths of files as soon as they have
 * been written, so git hashes them (on another core) while the caller is still copying. git
 * computes each blob id itself, with the repository's attributes, exactly as `git add` would,
 * and records the stat data; writing every blob instead (`git add`) costs about 1 s per 2,000
 * files. Symlinks belong in `stagePaths` (git reads a link's blob to compare it, so link blobs
 * are written for real).
 */
export function indexWorkTreeFiles(dir: string): PathFeed {
  const queue: string[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  async function* chunks(): AsyncGenerator<string> {
    for (;;) {
      if (queue.length > 0) yield queue.splice(0).join('');
      else if (ended) return;
      else await new Promise<void>((r) => (wake = r));
    }
  }
  // No timeout: git waits for paths for as long as the copy takes, and ends when its input does.
  const running = git(dir, ['update-index', '--add', '--info-only', '-z', '--stdin'], { hermetic: true, input: chunks(), timeoutMs: 0 });
  running.catch(() => undefined); // reported by end()
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    add(paths) {
      for (const p of paths) queue.push(`${p}\0`);
      poke();
    },
    async end() {
      ended = true;
      poke();
      await running;
    },
  };
}

/** Re-stages the given paths after a change (added, modified or deleted), writing only their objects. */
export async function stagePaths(dir: string, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  await git(dir, ['update-index', '--add', '--remove', '-z', '--stdin'], { hermetic: true, input: `${paths.join('\0')}\0` });
}

/**
 * The id of the tree the index describes (blobs that were never written are allowed). With
 * `indexFile`, of that copy of the index instead (git then updates the copy, not the index).
 */
export async function writeTree(dir: string, indexFile?: string): Promise<string> {
  const env = indexFile === undefined ? undefined : { GIT_INDEX_FILE: indexFile };
  return (await git(dir, ['write-tree', '--missing-ok'], { hermetic: true, env })).toString('utf8').trim();
}

/** Stages every file of a directory (ignored ones too) and returns the tree id. */
export async function stageAll(dir: string): Promise<string> {
  await git(dir, ['add', '-A', '-f'], { hermetic: true });
  return writeTree(dir);
}

/** git's object id of a blob: sha1 over `blob <size>\0` and the content. */
export function gitBlobId(data: Uint8Array): string {
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
}
