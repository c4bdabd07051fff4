import { readFileSync } from 'node:fs';
import { errnoOf } from '../adapters/errno.js';

/**
 * What to do when the Nix grammar does not load, by what stopped it. Every cause used to get
 * "reinstall dependencies", which sent a user whose shell limits file descriptors or address
 * space (`ulimit -n`, `ulimit -v`: shared login hosts, some CI runners) after the wrong fix.
 * `limits` is the text of /proc/self/limits (read when not given; undefined where there is none);
 * `execArgv` is Node's own command line (the bins add --disable-wasm-trap-handler under a limit).
 */
export function parserLoadHint(e: unknown, limits: string | undefined = readLimits(), execArgv: readonly string[] = process.execArgv): string {
  const code = errnoOf(e);
  if (code === 'EMFILE') {
    const max = softLimit(limits, 'Max open files');
    return `This process ran out of file descriptors${max ? ` (ulimit -n is ${max})` : ''}: raise the limit (ulimit -n 1024) and run it again.`;
  }
  if (code === 'ENFILE') return "The system's file table is full (ENFILE): close files or raise fs.file-max, then run it again.";
  if (e instanceof RangeError && /WebAssembly\.Memory|Out of memory/i.test(e.message)) {
    const max = softLimit(limits, 'Max address space');
    const limit = max && max !== 'unlimited' ? ` (ulimit -v is ${Math.round(Number(max) / 1024)} KiB)` : '';
    if (execArgv.includes(INLINE_BOUNDS_CHECKS)) {
      return `WebAssembly could not get its memory${limit}, even with inline bounds checks: raise the limit (a run needs about 2 GB of address space) and run it again.`;
    }
    // Started as `node <bin>`: the bin's shell start-up, which adds the flag, did not run.
    return `WebAssembly could not reserve its memory${limit}. Each parsing thread reserves about 10 GiB of address space (reserved, not used) unless Node checks bounds inline: run the CLI as an executable (its start-up passes Node ${INLINE_BOUNDS_CHECKS} under a limit), start Node with ${INLINE_BOUNDS_CHECKS}, or lift the limit (ulimit -v unlimited).`;
  }
  return 'Reinstall dependencies (pnpm install) or set AUTOPOIETIC_NIX_GRAMMAR to a tree-sitter-nix .wasm file.';
}

/** Node's option (20.15+) that makes V8 check WebAssembly bounds inline, without reserving ~10 GiB per memory. */
const INLINE_BOUNDS_CHECKS = '--disable-wasm-trap-handler';

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
