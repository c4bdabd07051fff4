import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { type AosError, usageError } from '../cli-kit/errors.js';
import { errnoOf } from './errno.js';
import { entryExists } from './path-checks.js';
import { writeHint } from './write-hint.js';

/** How a command writes its `--output`, which decides what must already be true of the path. */
export interface OutputWriter {
  /** Missing parent directories are created (install-verify's report); else the directory must exist. */
  createsParents: boolean;
  /** Only a new file is created (handoff): an existing entry, even a dangling symlink, is refused. */
  createNew?: boolean;
}

/**
 * Why an `--output` path (absolute) cannot be written by such a writer, found before any work:
 * a file on the way to it (`--output report.json/x`), a missing directory the writer does not
 * create, an entry already there for a create-new writer. Each failed only when the file was
 * written, after the work and with exit 1 (`install-verify --output` after the whole check).
 * Also found here: a directory the file would be created in that this user may not write (EACCES,
 * EPERM) or that is on a read-only file system (EROFS). Every writer creates a new entry there (a
 * temp file renamed over the output, or the new file), except into a device or FIFO, which is
 * written into.
 * Undefined when nothing is known to be in the way; what only the write can tell (a full disk, a
 * directory changed since) is left to it.
 */
export function outputPlaceProblem(flag: string, output: string, example: string, writer: OutputWriter): AosError | undefined {
  if (writer.createNew && entryExists(output)) {
    return usageError('output-exists', `${flag} ${output} already exists, and it is only ever created new`, `Choose a path that does not exist yet (e.g. ${flag} ${example}), or remove ${output} first.`);
  }
  const parent = dirname(output);
  for (let dir = parent; ; dir = dirname(dir)) {
    const kind = entryKind(dir);
    if (kind === 'unknown') return undefined;
    if (kind === 'directory') {
      if (dir === parent) return unwritableProblem(flag, output, createdIn(output, dir));
      if (writer.createsParents) return unwritableProblem(flag, output, dir);
      return usageError('output-parent-missing', `${flag} ${output}: its directory ${parent} does not exist`, `Create it first (mkdir -p ${parent}), or write to an existing directory.`);
    }
    if (kind !== 'missing') {
      const what = kind === 'dangling' ? 'a symlink to nothing' : 'not a directory';
      return usageError('output-parent-not-directory', `${flag} ${output}: ${dir} is ${what}, so no file can be made under it`, `Move ${dir} out of the way, or write to a file in a directory, e.g. ${flag} ${example}.`);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

type EntryKind = 'directory' | 'other' | 'dangling' | 'missing' | 'unknown';

/** What is at `path`, following symlinks; `unknown` when it cannot be told (EACCES: the write will say). */
function entryKind(path: string): EntryKind {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return 'missing'; // a component above is the file: found further up
    if (code !== 'ENOENT') return 'unknown';
    return entryExists(path) ? 'dangling' : 'missing';
  }
}

/**
 * The directory a write of `output` (whose parent directory `parent` exists) creates its entry
 * in: the target's, for a symlink to a file (writeOutputFile replaces the target and keeps the
 * link); none for a device or FIFO (written into); else the parent.
 */
function createdIn(output: string, parent: string): string | undefined {
  let isFile: boolean;
  try {
    isFile = statSync(output).isFile();
  } catch {
    return parent; // missing, or a dangling symlink (replaced where it lies)
  }
  if (!isFile) return undefined;
  try {
    return dirname(realpathSync(output));
  } catch {
    return parent;
  }
}

/** Exit 2 when this user may not create a file in `dir`; undefined when it may, or when only the write can tell. */
function unwritableProblem(flag: string, output: string, dir: string | undefined): AosError | undefined {
  if (dir === undefined) return undefined;
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (e) {
    const code = errnoOf(e);
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') return undefined;
    const why = code === 'EROFS' ? `${dir} is on a read-only file system` : `this user may not create files in ${dir}`;
    return usageError('output-not-writable', `${flag} ${output}: ${why} (${code})`, writeHint(code, { dir, elsewhere: `give ${flag} a path in a directory this user may write` })!);
  }
}
