import type { Command } from 'commander';
import { runAction } from '@autopoietic/core/cli-kit';

export function registerLineage(program: Command): void {
  program
    .command('lineage')
    .description('show the lineage: mutations, evolve attempts, verifications, promotions, generations and effects (docs/evolve.md)')
    .option('--format <format>', 'json, dot (Graphviz) or html (one self-contained page)', 'json')
    .option('--output <file>', 'write the view to this file (atomically replaced) instead of stdout')
    .option('--root <dir>', 'genome root (default: nearest flake.nix); its memory/ holds the ledgers')
    .option('--memory-dir <dir>', 'memory directory holding the ledgers (default: see README "Ledgers")')
    .option('--lineage-journal <file>', 'attempt ledger (default: <memory dir>/lineage.jsonl)')
    .option('--mutation-journal <file>', 'mutation ledger (default: <memory dir>/mutations.jsonl)')
    .option('--verification-journal <file>', 'verification ledger (default: <memory dir>/mutation-results.jsonl)')
    .option('--promotion-journal <file>', 'promotion ledger (default: <memory dir>/mutation-promotions.jsonl)')
    .option('--generation-journal <file>', 'generation ledger (default: <memory dir>/generations.jsonl)')
    .option('--effect-journal <file>', 'effect ledger (default: <memory dir>/effects.jsonl)')
    .action(
      runAction(async (opts) => {
        const { runLineage } = await import('../lineage/output.js');
        await runLineage(opts);
      }),
    );
}
