import type { Command } from 'commander';
import { printJson, runAction } from '@autopoietic/core/cli-kit';

interface Opts {
  promotionId?: string;
  mutationId?: string;
  targetRoot: string;
  parentGeneration: string;
  resultingGeneration: string;
  record?: boolean;
  promotionJournal?: string;
  verificationJournal?: string;
  generationJournal?: string;
  memoryDir?: string;
  root?: string;
  installedMemoryDir?: string;
  evidenceBundle?: string;
  etcDir?: string;
}

export function registerInstallPlan(program: Command): void {
  program
    .command('install-plan')
    .description('P3: build an executable install plan (seed files with exact content) from promoted evidence; dry run unless --record')
    .option('--promotion-id <id>', 'promotion record to install (with --mutation-id, both must match)')
    .option('--mutation-id <id>', 'mutation whose single promotion record to install')
    .requiredOption('--target-root <abs-path>', 'absolute path of the target system root (need not exist; never written by install-plan)')
    .requiredOption('--parent-generation <label>', 'generation the new one descends from')
    .requiredOption('--resulting-generation <label>', 'label of the planned generation')
    .option('--record', 'append the planned generation record to the generation ledger (default: dry run)')
    .option('--installed-memory-dir <abs-path>', 'memory directory inside the installed system for the seed ledgers (default: host policy memory_dir, else /var/lib/autopoietic)')
    .option('--root <dir>', 'genome root, whose memory dir holds the ledgers unless --memory-dir says otherwise (default: nearest flake.nix); the identity host comes from the promotion record')
    .option('--memory-dir <dir>', 'memory directory holding the ledgers (default: see README "Ledgers")')
    .option('--promotion-journal <file>', 'promotion ledger (default: <memory dir>/mutation-promotions.jsonl)')
    .option('--verification-journal <file>', 'verification ledger (default: <memory dir>/mutation-results.jsonl)')
    .option('--generation-journal <file>', 'generation ledger (default: <memory dir>/generations.jsonl)')
    .option('--evidence-bundle <file>', 'also write an evidence bundle here (create-new; never a ledger or inside the target root)')
    .option('--etc-dir <dir>', 'host policy directory (default: $AUTOPOIETIC_ETC_DIR, else /etc/autopoietic)')
    .action(
      runAction(async (opts: Opts) => {
        const { planInstallWithBundle } = await import('../gates/install/plan.js');
        const { plan, sidecarError } = await planInstallWithBundle({ ...opts, record: opts.record === true });
        printJson(plan);
        if (sidecarError) throw sidecarError; // after the plan: with --record its generation is journaled either way
      }),
    );
}
