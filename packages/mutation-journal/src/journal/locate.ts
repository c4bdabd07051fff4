import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { getLogger, usageError } from '@autopoietic/core/cli-kit';
import { findGenomeRoot, ledgerPath, resolveMemoryDir, schemaForFileName } from '@autopoietic/core/ledger';
import { LEDGERS, type LedgerKind } from '@autopoietic/core/schemas';

export interface LocationFlags {
  path?: string;
  memoryDir?: string;
  root?: string;
}

/**
 * The ledger file a journal command works on, from core's one resolution order (--path, then
 * --memory-dir, AUTOPOIETIC_MEMORY_DIR, host policy, <genome root>/memory). When nothing names
 * a place and no flake.nix is found above the working directory, the working directory is the
 * fallback: that is said on stderr, never done silently.
 */
export function ledgerFile(kind: LedgerKind, flags: LocationFlags): string {
  return ledgerPath(kind, flags.path, pathOptions(flags));
}

export function memoryDir(flags: LocationFlags): string {
  return resolveMemoryDir(pathOptions(flags)).dir;
}

function pathOptions(flags: LocationFlags): { memoryDir?: string; root?: string } {
  if (flags.root !== undefined) requireDir('--root', flags.root);
  const opts = { memoryDir: flags.memoryDir, root: flags.root };
  if (flags.path === undefined) {
    const resolved = resolveMemoryDir(opts);
    if (resolved.source === 'genome-root' && flags.root === undefined && findGenomeRoot(process.cwd()) === undefined) {
      getLogger().warn(
        { memory_dir: resolved.dir },
        'no flake.nix above the working directory: using ./memory here; pass --memory-dir or --root (or set AUTOPOIETIC_MEMORY_DIR) to choose',
      );
    }
  }
  return opts;
}

/**
 * A ledger flag that names another kind's ledger file (`--promotion-journal memory/mutations.jsonl`,
 * organ review `--promotions memory/mutations.jsonl`) is a usage error, before anything is read:
 * read as promotions it was called a damaged ledger, and, missing, read as no promotions at all.
 * Appends refuse the same in core (ledger-kind-mismatch); a file name of one's own is fine.
 */
export function refuseOtherKind(flag: string, path: string, kind: LedgerKind): void {
  const named = schemaForFileName(basename(path));
  const { schema, file } = LEDGERS[kind];
  if (named === undefined || named === schema) return;
  throw usageError('ledger-kind-mismatch', `${flag} ${path} is named as the ${named} ledger, not the ${schema} ledger it reads`,
    `Point ${flag} at the ${file} ledger (or at a file of another name).`);
}

function requireDir(flag: string, dir: string): void {
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw usageError('root-missing', `${flag} ${resolve(dir)} is not a directory`, 'Point --root at the genome (the directory holding flake.nix).');
}
