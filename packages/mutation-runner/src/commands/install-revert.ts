import type { Command } from 'commander';
import { printJson, runAction } from '@autopoietic/core/cli-kit';
import type { PlanTargetFlags } from '../gates/install/plan-file.js';

export function registerInstallRevert(program: Command): void {
  program
    .command('install-revert')
    .description('P3: undo the latest install-apply of a plan from its effect records (restore backups, remove created files); idempotent')
    .requiredOption('--plan <file>', 'the plan file install-apply was given')
    .option('--yes', 'confirm changing files in the target root (required)')
    .option('--force', 'revert files changed since install-apply too, keeping their current content as a backup')
    .option('--allow-live-root', 'allow a plan whose target root is / (the running system); refused without it')
    .option('--memory-dir <dir>', 'memory directory install-apply journaled into (default: see README "Ledgers")')
    .option('--etc-dir <dir>', 'host policy directory (default: $AUTOPOIETIC_ETC_DIR, else /etc/autopoietic); needs mode mutate-live')
    .action(
      runAction(async (opts: PlanTargetFlags) => {
        const { revertPlan } = await import('../gates/install/revert.js');
        printJson(await revertPlan({ ...opts, yes: opts.yes === true, force: opts.force === true, allowLiveRoot: opts.allowLiveRoot === true }));
      }),
    );
}
