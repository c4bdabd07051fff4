import type { Command } from 'commander';
import { GateFailed, printJson, runAction } from '@autopoietic/core/cli-kit';

export function registerInstallVerify(program: Command): void {
  program
    .command('install-verify')
    .description('P3: check (read-only) that a plan\'s seed files and lineage record are in its target root; exit 1 unless all matched')
    .requiredOption('--plan <file>', 'plan JSON printed by install-plan')
    .option('--output <file>', 'write the report to this file instead of stdout (atomically: temp file, then rename; never the plan or inside the target root); the evidence bundle cites it')
    .option('--evidence-bundle <file>', 'also write an evidence bundle here (create-new; never the plan, the --output or inside the target root)')
    .action(
      runAction(async (opts: { plan: string; output?: string; evidenceBundle?: string }) => {
        const { verifyPlanFile } = await import('../gates/install/verify.js');
        const out = await verifyPlanFile(opts);
        if (opts.output === undefined) printJson(out);
        if (!out.all_matched) throw new GateFailed('install seed verification failed');
      }),
    );
}
