import type { Command } from 'commander';
import { collectDistinct, GateFailed, printJson, runAction, usageError } from '@autopoietic/core/cli-kit';
import { organNameProblem, quotedName } from '@autopoietic/core/vocab';
import { gateFailureLine } from '../gates/failure-line.js';
import { addGateOptions, localSystem, parseGateOptions } from './gate-options.js';

/** The organ name rule of mutation-journal (core/vocab): these names are matched against the registry. */
function refuseBadOrganNames(organs: string[]): void {
  for (const name of organs) {
    const problem = organNameProblem(name);
    if (problem) {
      throw usageError('organ-name-invalid', `--changed-organ ${quotedName(name)} ${problem}`, 'Name the organ as it is registered (mutation-journal organ list): on one line, without control or invisible characters.');
    }
  }
}

export function registerPromote(program: Command): void {
  const cmd = program
    .command('promote')
    .description('P2: bind a proposal to its P1 verification, replay it in a fresh candidate, re-run its expected checks and build its VM checks; journal the result')
    .requiredOption('--proposal <file>', 'proposal.json to promote (the same version P1 verified)')
    .requiredOption('--parent-genome <string>', 'the genome this promotion descends from, e.g. git:<rev>')
    .option('--target-configuration <name>', 'host configuration the VM checks belong to', 'iso')
    .option('--vm-check <name>', 'checks.<system>.<name> to build; must be named <target-configuration>-* (repeatable; default iso-boot-basic)', collectDistinct)
    .option('--system <system>', 'Nix system of the checks', localSystem())
    .option('--changed-organ <name>', 'organ changed by this mutation, copied into the record (repeatable)', collectDistinct)
    .option('--journal <file>', 'promotion ledger (default: <memory dir>/mutation-promotions.jsonl)')
    .option('--verification-journal <file>', 'verification ledger read for P1 evidence (default: <memory dir>/mutation-results.jsonl)');
  addGateOptions(cmd).action(
    runAction(async (raw: Record<string, unknown>) => {
      const opts = parseGateOptions(raw);
      const { flagProblem, DEFAULT_VM_CHECK } = await import('../gates/promote/vm-checks.js');
      const requested = (raw.vmCheck as string[] | undefined) ?? [];
      const vmChecks = requested.length ? requested : [DEFAULT_VM_CHECK];
      const target = String(raw.targetConfiguration);
      const system = String(raw.system);
      const parent = String(raw.parentGenome);
      const organs = (raw.changedOrgan as string[] | undefined) ?? [];
      const blank = parent.trim() === '' ? '--parent-genome' : organs.some((o) => o.trim() === '') ? '--changed-organ' : undefined;
      const problem = flagProblem(vmChecks, target, system) ?? (blank && `${blank} must not be blank`);
      if (problem) throw usageError('invalid-option', problem, 'See mutation-runner promote --help.');
      refuseBadOrganNames(organs);
      const { promoteProposal } = await import('../gates/promote/run.js');
      const { record, sidecarError } = await promoteProposal({
        ...opts,
        proposal: String(raw.proposal),
        vmChecks,
        targetConfiguration: target,
        system,
        parentGenome: parent,
        changedOrgans: organs,
        journal: raw.journal as string | undefined,
        verificationJournal: raw.verificationJournal as string | undefined,
      });
      printJson(record);
      if (sidecarError) throw sidecarError; // after the record: it is journaled either way
      if (record.status !== 'promoted') throw new GateFailed(gateFailureLine(record));
    }),
  );
}
