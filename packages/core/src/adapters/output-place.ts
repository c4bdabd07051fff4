import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { type AosError, usageError } from '../cli-kit/errors.js';
import { entryExists } from './path-checks.js';

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
 * Undefined when nothing is known to be in the way; what only the write can tell (permissions,
 * a full disk) is left to it.
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
      if (dir === parent || writer.createsParents) return undefined;
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

