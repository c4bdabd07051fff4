import { readFileSync } from 'node:fs';
import { errnoOf } from '../adapters/errno.js';

/**
 * What to do when the Nix grammar does not load, by what stopped it. Every cause used to get
 * "reinstall dependencies", which sent a user whose shell limits file descriptors or address
 * space (`ulimit -n`, `ulimit -v`: shared login hosts, some CI runners) after the wrong fix.
 * `limits` is the text of /proc/self/limits (read when not given; undefined where there is none).
 */
export function parserLoadHint(e: unknown, limits: string | undefined = readLimits()): string {
  const code = errnoOf(e);
  if (code === 'EMFILE') {
    const max = softLimit(limits, 'Max open files');
    return `This process ran out of file descriptors${max ? ` (ulimit -n is ${max})` : ''}: raise the limit (ulimit -n 1024) and run it again.`;
  }
  if (code === 'ENFILE') return "The system's file table is full (ENFILE): close files or raise fs.file-max, then run it again.";
  if (e instanceof RangeError && /WebAssembly\.Memory|Out of memory/i.test(e.message)) {
    const max = softLimit(limits, 'Max address space');
    const limit = max && max !== 'unlimited' ? ` (ulimit -v is ${Math.round(Number(max) / 1024)} KiB)` : '';
    return `WebAssembly could not reserve its memory${limit}. Each parsing thread reserves about 10 GiB of address space (reserved, not used): lift the limit (ulimit -v unlimited) and run it again.`;
  }
  return 'Reinstall dependencies (pnpm install) or set AUTOPOIETIC_NIX_GRAMMAR to a tree-sitter-nix .wasm file.';
}

function readLimits(): string | undefined {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
}

/** The soft limit of one row of /proc/<pid>/limits (`Max open files  1024  4096  files`). */
function softLimit(limits: string | undefined, row: string): string | undefined {
  const line = limits?.split('\n').find((l) => l.startsWith(row));
  return line?.slice(row.length).trim().split(/\s+/)[0];
}
