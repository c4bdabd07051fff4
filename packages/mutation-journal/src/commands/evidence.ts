import type { Command } from 'commander';
import { runAction } from '@autopoietic/core/cli-kit';

/** `evidence check`: an evidence bundle against the ledgers, files and logs it cites (docs/evidence.md). */
export function registerEvidence(program: Command): void {
  const evidence = program.command('evidence').description('check evidence bundles (the --evidence-bundle sidecars of the gate and organ commands)');
  evidence
    .command('check')
    .description('re-derive every input digest of a bundle, compare what it restates with its record, check the check logs the record names and the hash chain of each ledger it reads up to the cited record; prints a report; exit 1 when anything differs or is missing')
    .argument('<bundle>', 'evidence bundle file (written with --evidence-bundle)')
    .option('--memory-dir <dir>', 'read the ledgers the bundle cites (and the logs kept under them) from this directory instead of where the bundle says (a copied or moved memory)')
    .option('--output <file>', "the JSON output of the command that wrote the bundle, if you kept it (install-plan's plan file, install-verify's or organ review/suggest's stdout): its record is then checked too; for a report install-verify kept with --output, a copy read instead of the file the bundle names")
    .action(
      runAction(async (bundle: string, opts: { memoryDir?: string; output?: string }) => {
        const { runEvidenceCheck } = await import('../evidence/check-action.js');
        await runEvidenceCheck(bundle, opts);
      }),
    );
}
