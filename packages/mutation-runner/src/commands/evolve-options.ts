import { usageError } from '@autopoietic/core/cli-kit';
import { flagProblem } from '../gates/promote/vm-checks.js';
import { MAX_HANDOFF_BYTES } from '../loop/handoff/build.js';
import { parseGateOptions } from './gate-options.js';

/**
 * Flag parsing for `evolve` (its own flags; verify's are shared through gate-options.ts).
 * Bad values are usage errors (exit 2).
 */
const num = (flag: string, v: unknown, min: number, max: number): number => {
  const s = String(v);
  if (!/^\d+$/.test(s) || Number(s) < min || Number(s) > max) throw usageError('invalid-option', `${flag} ${JSON.stringify(s)} must be a whole number from ${min} to ${max}`, 'See mutation-runner evolve --help.');
  return Number(s);
};

export function parseEvolveOptions(raw: Record<string, unknown>) {
  if (raw.evidenceBundle !== undefined) {
    throw usageError('flags-conflict', 'evolve does not take --evidence-bundle', 'Each attempt is journaled; write a bundle for one of them with mutation-runner verify --evidence-bundle.');
  }
  const goal = String(raw.goal);
  if (goal.trim() === '') throw usageError('flag-blank', '--goal must not be blank', 'Say what the change should achieve.');
  const promote = raw.promote === true;
  const vmChecks = (raw.vmCheck as string[] | undefined) ?? [];
  if (!promote && (vmChecks.length || raw.parentGenome !== undefined)) throw usageError('flags-conflict', '--vm-check and --parent-genome only apply with --promote', 'Add --promote, or drop them.');
  if (promote) {
    const problem = flagProblem(vmChecks.length ? vmChecks : ['iso-boot-basic'], String(raw.targetConfiguration), String(raw.system));
    if (problem) throw usageError('invalid-option', problem, 'See mutation-runner evolve --help.');
  }
  return {
    ...parseGateOptions(raw),
    goal,
    generator: String(raw.generator),
    attempts: num('--attempts', raw.attempts, 1, 100),
    fromAttempt: raw.fromAttempt as string | undefined,
    unattended: raw.unattended === true,
    stopOnError: raw.stopOnError === true,
    generatorTimeoutMs: num('--generator-timeout', raw.generatorTimeout, 1, 86_400) * 1000,
    generatorMaxOutput: num('--generator-max-output', raw.generatorMaxOutput, 1024, 256 * 1024 * 1024),
    generatorEnv: (raw.generatorEnv as string[] | undefined) ?? [],
    handoffMaxBytes: num('--handoff-max-bytes', raw.handoffMaxBytes, 1024, MAX_HANDOFF_BYTES),
    selfState: raw.selfState as string | undefined,
    proposalsDir: raw.proposalsDir as string | undefined,
    promote: promote
      ? { vmChecks, targetConfiguration: String(raw.targetConfiguration), system: String(raw.system), parentGenome: (raw.parentGenome as string | undefined) ?? '' }
      : undefined,
  };
}
