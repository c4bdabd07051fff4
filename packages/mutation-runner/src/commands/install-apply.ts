import type { Command } from 'commander';
import { printJson, runAction } from '@autopoietic/core/cli-kit';
import type { PlanTargetFlags } from '../gates/install/plan-file.js';

export function registerInstallApply(program: Command): void {
  program
    .command('install-apply')
    .description(
      'P3: write a recorded plan\'s seed files into its target root (atomic writes, effect ledger, then install-verify and an installed/failed generation record); never runs nixos-install',
    )
    .requiredOption('--plan <file>', 'plan JSON printed by install-plan (recorded with --record)')
    .option('--yes', 'confirm writing into the target root (required)')
    .option('--force', 'replace seed files that exist with different content or mode, keeping each old file as a recorded backup')
    .option('--allow-live-root', 'allow a plan whose target root is / (the running system); refused without it')
    .option('--memory-dir <dir>', 'memory directory with the ledgers to check and journal into (default: see README "Ledgers")')
    .option('--etc-dir <dir>', 'host policy directory (default: $AUTOPOIETIC_ETC_DIR, else /etc/autopoietic); needs mode mutate-live')
    .action(
      runAction(async (opts: PlanTargetFlags) => {
        const { applyPlan, applyFailed } = await import('../gates/install/apply.js');
        const out = await applyPlan({ ...opts, yes: opts.yes === true, force: opts.force === true, allowLiveRoot: opts.allowLiveRoot === true });
        printJson(out);
        if (out.lineage_status !== 'installed') throw applyFailed(out);
      }),
    );
}
