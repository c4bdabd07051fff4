import { shellQuote } from '@autopoietic/core/cli-kit';
import { ledgerPath } from '@autopoietic/core/ledger';
import { refuseOtherKind } from '../journal/locate.js';

/**
 * Where the organ commands read and write. Each explicit flag wins for its file; otherwise the
 * file is the default name in the memory directory (`--memory-dir` > AUTOPOIETIC_MEMORY_DIR >
 * host policy memory_dir > <genome root>/memory, decided by core's ledger/paths.ts).
 */
export interface PathFlags {
  memoryDir?: string;
  path?: string;
  registry?: string;
  promotions?: string;
  generations?: string;
  verifications?: string;
}

export interface OrganPaths {
  registry: string;
  promotions: string;
  generations: string;
  verifications: string;
}

export function organPaths(flags: PathFlags): OrganPaths {
  const opts = { memoryDir: flags.memoryDir };
  const paths = {
    registry: ledgerPath('organs', flags.path ?? flags.registry, opts),
    promotions: ledgerPath('promotions', flags.promotions, opts),
    generations: ledgerPath('generations', flags.generations, opts),
    verifications: ledgerPath('results', flags.verifications, opts),
  };
  // Each explicit file must not be named as another kind's ledger (journal/locate.ts).
  refuseOtherKind(flags.registry === undefined ? '--path' : '--registry', paths.registry, 'organs');
  refuseOtherKind('--promotions', paths.promotions, 'promotions');
  refuseOtherKind('--generations', paths.generations, 'generations');
  refuseOtherKind('--verifications', paths.verifications, 'results');
  return paths;
}

/**
 * `mutation-journal organ <verb>` for a hint, on the registry `file` the user's flags chose
 * (shell-quoted): pasted as it is, a bare `organ list` would show the default registry, not the
 * one a `--memory-dir` or `--path` named. Without `file`, the bare command.
 */
export function organCommand(verb: 'list' | 'add', file?: string): string {
  return `mutation-journal organ ${verb}${file === undefined ? '' : ` --path ${shellQuote(file)}`}`;
}
