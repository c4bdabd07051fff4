import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { getLogger, usageError } from '@autopoietic/core/cli-kit';
import { findGenomeRoot, ledgerPath, resolveMemoryDir } from '@autopoietic/core/ledger';
import type { LedgerKind } from '@autopoietic/core/schemas';

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

function requireDir(flag: string, dir: string): void {
  let ok = false;
  try {
    ok = statSync(dir).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw usageError('root-missing', `${flag} ${resolve(dir)} is not a directory`, 'Point --root at the genome (the directory holding flake.nix).');
}
