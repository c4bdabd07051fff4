// `pnpm demo`: the whole Autopoietic OS pipeline on a scratch copy of the example genome (or
// --genome PATH), through the built CLIs, with real git and real Nix. Exit 0 only if every step
// did what it should; 1 if one did not; 2 for bad options. See scripts/demo/options.ts (--help).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDemoArgs, USAGE, UsageError } from './demo/options.js';
import { runDemo } from './demo/run.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function main(argv: string[]): number {
  try {
    const opts = parseDemoArgs(argv, repoRoot);
    if (opts === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    // Readable lines go to stdout, or to stderr when stdout carries the JSON summary.
    const out = opts.json ? process.stderr : process.stdout;
    const summary = runDemo(opts, repoRoot, (text) => out.write(`${text}\n`));
    if (opts.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return summary.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error[demo-usage]: ${e.message}\nhint: pnpm demo -- --help\n`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
