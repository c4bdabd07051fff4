import type { Command } from 'commander';
import { collectValues, runAction } from '@autopoietic/core/cli-kit';

/** The one command of os-introspect: the program itself observes and prints the self-state. */
export function registerIntrospect(program: Command): void {
  program
    .option('--root <path>', 'genome root (default: nearest directory upwards with a flake.nix, else .)')
    .option('--output <file>', 'write the self-state JSON to this file (atomically: temp file, then rename)')
    .option('--project-root <path>', 'project root to summarise (repeatable; default: observation.json project_roots, else the genome root)', collectValues)
    .option('--max-project-files <n>', 'files sampled per project root', '2000')
    .option('--journal-lines <n>', 'include the last N journalctl lines (0: do not read the journal)', '0')
    .option('--include-shell-history', 'read shell history (default: as observation.json says, else off)')
    .option('--no-include-shell-history', 'never read shell history, whatever observation.json says')
    .option('--shell-history-lines <n>', 'shell history lines kept', '200')
    .option('--eval', 'also evaluate the flake (nix flake show --json) and mark outputs evaluated or parsed-only')
    .option('--format <format>', 'stdout format: json (the self-state) or summary (a short overview)', 'json')
    .option('--etc-dir <dir>', 'host configuration directory (default: $AUTOPOIETIC_ETC_DIR, else /etc/autopoietic)')
    .option('--memory-dir <dir>', 'memory directory (default: $AUTOPOIETIC_MEMORY_DIR, host policy memory_dir, else <root>/memory)')
    .option('--no-cache', 'do not use the parse cache (<memory dir>/cache/introspect)')
    .option('--jobs <n>', 'parse workers: a number, or auto (one per core for large trees)', 'auto')
    .action(
      runAction(async (raw: Record<string, unknown>) => {
        const { runIntrospect } = await import('../run.js');
        await runIntrospect(raw);
      }),
    );
}
