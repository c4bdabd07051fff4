import type { Command } from 'commander';
import { GateFailed, printJson, runAction } from '@autopoietic/core/cli-kit';
import { gateFailureLine } from '../gates/failure-line.js';
import { addGateOptions, parseGateOptions } from './gate-options.js';

export function registerVerify(program: Command): void {
  const cmd = program
    .command('verify')
    .description('P1: apply a proposal in an isolated candidate and run its checks (nix flake check, allowlisted expected checks, operator checks); journal the result')
    .requiredOption('--proposal <file>', 'proposal.json to verify (with a sibling patch_path or an inline patch)')
    .option('--journal <file>', 'verification ledger (default: <memory dir>/mutation-results.jsonl)');
  addGateOptions(cmd).action(
    runAction(async (raw: Record<string, unknown>) => {
      const opts = parseGateOptions(raw);
      const { verifyProposal } = await import('../gates/verify/run.js');
      const { record, sidecarError } = await verifyProposal({
        ...opts,
        proposal: String(raw.proposal),
        journal: raw.journal as string | undefined,
        // Journaled, then interrupted while the candidate was removed: the record is in the ledger, so show it.
        interruptedAfterRecord: printJson,
      });
      printJson(record);
      if (sidecarError) throw sidecarError; // after the record: it is journaled either way
      if (record.status !== 'verified') throw new GateFailed(gateFailureLine(record));
    }),
  );
}
