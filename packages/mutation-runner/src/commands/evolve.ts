import type { Command } from 'commander';
import { collectDistinct, GateFailed, printJson, runAction } from '@autopoietic/core/cli-kit';
import { addGateOptions, localSystem } from './gate-options.js';

export function registerEvolve(program: Command): void {
  const cmd = program
    .command('evolve')
    .description('the loop: observe, hand off to a generator command, verify (P1) its proposal, feed the failure back, until one is verified; every attempt goes to lineage.jsonl (docs/evolve.md)')
    .requiredOption('--goal <text>', 'what the change should achieve (the rule-based generator reads: set `autopoietic.<option>` to `<value>` on host `<host>`)')
    .requiredOption('--generator <command>', 'command that reads the hand-off JSON on stdin and prints a proposal; split into words, never run by a shell')
    .option('--attempts <n>', 'stop after this many attempts', '3')
    .option('--from-attempt <id>', 'branch from this earlier attempt: it is the first attempt\'s parent, and its feedback is carried')
    .option('--promote', 'run P2 promote on the verified proposal (needs mode mutate-vm)')
    .option('--unattended', 'an unattended run, e.g. from the agent-runtime service (needs mode autopoiesis)')
    .option('--stop-on-error', 'stop at the first attempt whose verdict is error (the generator failed, its proposal was refused, or verify could not finish), not at a rejected one (default: try again)')
    .option('--generator-timeout <seconds>', 'kill the generator (its whole process group) after this long', '300')
    .option('--generator-max-output <bytes>', 'kill the generator when stdout and stderr together exceed this', String(1024 * 1024))
    .option('--generator-env <name>', 'pass this environment variable through to the generator, e.g. an API key (repeatable)', collectDistinct)
    .option('--handoff-max-bytes <n>', 'size bound of each hand-off', String(64 * 1024))
    .option('--self-state <file>', 'self-state from `os-introspect --output` (default: observe the genome now)')
    .option('--proposals-dir <dir>', 'where proposals are written (default: <root>/mutations/pending)')
    .option('--target-configuration <name>', 'with --promote: host configuration of the VM checks', 'iso')
    .option('--vm-check <name>', 'with --promote: checks.<system>.<name> to build (repeatable; default iso-boot-basic)', collectDistinct)
    .option('--system <system>', 'with --promote: Nix system of the checks', localSystem())
    .option('--parent-genome <string>', 'with --promote: the genome promoted from (default: git:<HEAD>)');
  addGateOptions(cmd, { evidenceBundle: false }).action(
    runAction(async (raw: Record<string, unknown>) => {
      const { parseEvolveOptions } = await import('./evolve-options.js');
      const opts = parseEvolveOptions(raw);
      if (opts.promote && opts.promote.vmChecks.length === 0) opts.promote.vmChecks.push('iso-boot-basic');
      const { evolve } = await import('../loop/evolve/run.js');
      const summary = await evolve(opts);
      printJson(summary);
      // The reason quotes the generator's text; runAction prints a GateFailed summary as one line.
      if (summary.outcome !== 'verified' && summary.outcome !== 'promoted') throw new GateFailed(`evolve ${summary.outcome}: ${summary.reason}`);
    }),
  );
}
