import { describe, expect, it } from 'vitest';
import { parserLoadHint } from './parser-load-hint.js';

const limits = (files: string, space: string) =>
  [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    `Max open files            ${files.padEnd(21)}4096                 files     `,
    `Max address space         ${space.padEnd(21)}unlimited            bytes     `,
  ].join('\n');

const errno = (code: string) => Object.assign(new Error(`${code}: too many open files, open 'web-tree-sitter.js'`), { code });

describe('parserLoadHint', () => {
  it('names the file-descriptor limit for EMFILE, and the system table for ENFILE', () => {
    expect(parserLoadHint(errno('EMFILE'), limits('20', 'unlimited'))).toBe('This process ran out of file descriptors (ulimit -n is 20): raise the limit (ulimit -n 1024) and run it again.');
    expect(parserLoadHint(errno('EMFILE'), '')).toBe('This process ran out of file descriptors: raise the limit (ulimit -n 1024) and run it again.');
    expect(parserLoadHint(errno('ENFILE'), limits('20', 'unlimited'))).toContain("The system's file table is full (ENFILE)");
  });

  it('names the address-space limit when WebAssembly cannot reserve its memory, and the flag that avoids the reservation', () => {
    const e = new RangeError('WebAssembly.Memory(): could not allocate memory');
    expect(parserLoadHint(e, limits('1024', '3072000000'), [])).toBe(
      'WebAssembly could not reserve its memory (ulimit -v is 3000000 KiB). Each parsing thread reserves about 10 GiB of address space (reserved, not used) unless Node checks bounds inline: run the CLI as an executable (its start-up passes Node --disable-wasm-trap-handler under a limit), start Node with --disable-wasm-trap-handler, or lift the limit (ulimit -v unlimited).',
    );
    expect(parserLoadHint(e, limits('1024', 'unlimited'), [])).toMatch(/^WebAssembly could not reserve its memory\. /);
  });

  it('asks for a higher limit when the memory was short even with inline bounds checks', () => {
    const e = new RangeError('WebAssembly.Memory(): could not allocate memory');
    expect(parserLoadHint(e, limits('1024', '1536000000'), ['--disable-wasm-trap-handler'])).toBe(
      'WebAssembly could not get its memory (ulimit -v is 1500000 KiB), even with inline bounds checks: raise the limit (a run needs about 2 GB of address space) and run it again.',
    );
  });

  it('keeps the reinstall hint for a grammar that is missing or broken', () => {
    expect(parserLoadHint(errno('ENOENT'), limits('1024', 'unlimited'))).toContain('Reinstall dependencies (pnpm install) or set AUTOPOIETIC_NIX_GRAMMAR');
    expect(parserLoadHint(new Error('bad magic number'), '')).toContain('AUTOPOIETIC_NIX_GRAMMAR');
  });
});
