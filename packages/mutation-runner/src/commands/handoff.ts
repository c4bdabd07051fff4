import type { Command } from 'commander';
import { runAction } from '@autopoietic/core/cli-kit';

export function registerHandoff(program: Command): void {
  program
    .command('handoff')
    .description('build the AI hand-off (Summary, Canonical facts, Evidence refs, Claims, Limits, Open uncertainty) for a goal or an existing mutation; read-only')
    .option('--goal <text>', 'what the next proposal should achieve (carries the feedback of the latest attempts at exactly this goal)')
    .option('--mutation-id <id>', 'an existing mutation: its proposal, P1/P2 records and evidence bundles')
    .option('--proposal <file>', 'with --mutation-id: its proposal.json (default: <root>/mutations/pending/<id>/proposal.json)')
    .option('--from-attempt <id>', 'carry the feedback of this attempt and its ancestors instead')
    .option('--self-state <file>', 'self-state written by `os-introspect --output` (default: observe the genome now)')
    .option('--max-bytes <n>', 'upper bound of the JSON document; what does not fit is listed under Limits (default 65536)')
    .option('--format <format>', 'json or markdown', 'json')
    .option('--output <file>', 'write to this new file instead of stdout (create-new, in an existing directory)')
    .option('--root <dir>', 'genome root (default: the nearest directory upwards holding flake.nix)')
    .option('--memory-dir <dir>', 'memory directory holding the ledgers (default: see README "Ledgers")')
    .option('--etc-dir <dir>', 'host policy directory (default: $AUTOPOIETIC_ETC_DIR, else /etc/autopoietic)')
    .action(
      runAction(async (opts) => {
        const { runHandoff } = await import('../loop/handoff/run.js');
        await runHandoff(opts);
      }),
    );
}
