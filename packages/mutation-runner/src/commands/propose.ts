import type { Command } from 'commander';
import { collectValues, printJson, runAction } from '@autopoietic/core/cli-kit';

export function registerPropose(program: Command): void {
  program
    .command('propose')
    .description('turn a change (work tree vs HEAD, --from A..B, or --patch FILE) into mutations/pending/<id>/ without touching the change; refuses what verify would refuse')
    .requiredOption('--goal <text>', 'what the change is for')
    .option('--phase <label>', 'phase label copied into the records', 'P1-draft')
    .option('--from <A..B>', 'propose the diff between two commits instead of the work tree')
    .option('--patch <file>', 'propose this diff file (made with git diff --binary) instead of the work tree')
    .option('--mutation-id <id>', 'id of the new mutation (default: a fresh mut-<time>-<hex>)')
    .option('--check <NAME=COMMAND ARG...>', 'add an expected check (split on spaces, no shell; must pass the P1 allowlist) (repeatable)', collectValues)
    .option('--no-infer-checks', 'do not add nix-instantiate --parse for each .nix file the diff touches')
    .option('--metadata <key=value>', 'annotation copied into the proposal (repeatable)', collectValues)
    .option('--out-dir <dir>', 'where the proposal directory is created (default: <root>/mutations/pending)')
    .option('--root <dir>', 'genome root (default: the nearest directory upwards holding flake.nix)')
    .option('--memory-dir <dir>', 'memory directory (its ledgers, logs and evidence are protected paths)')
    .option('--etc-dir <dir>', 'host policy directory (default: $AUTOPOIETIC_ETC_DIR, else /etc/autopoietic)')
    .action(
      runAction(async (opts) => {
        const { propose } = await import('../loop/propose/run.js');
        printJson(await propose(opts));
      }),
    );
}
