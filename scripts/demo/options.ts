import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface DemoOptions {
  /** The genome to copy (absolute). */
  genome: string;
  /** Proposal files (absolute); empty means every `mutations/pending/<id>/proposal.json` of the genome. */
  proposals: string[];
  /** Target configuration (a directory in hosts/); undefined means "the only one there is". */
  target: string | undefined;
  /** The VM check promote builds; undefined means `<target>-smoke`. */
  vmCheck: string | undefined;
  system: string;
  keep: boolean;
  json: boolean;
  verbose: boolean;
}

export const USAGE = `Usage: pnpm demo [-- options]

Runs the whole Autopoietic OS pipeline on a scratch copy of a genome (a git repo in a temp dir),
with real git and real Nix, through the built CLIs: observe, verify, promote, install-plan,
install-apply, install-verify, organs, ledger verify, evidence check. Exits 0 only if every step
did what it should.

Options:
  --genome PATH       genome to copy (default: examples/genome)
  --proposal PATH     proposal.json to run (repeatable; default: the genome's mutations/pending/*)
  --target NAME       target configuration, a directory in hosts/ (default: the only one)
  --vm-check NAME     check that plays the VM-check role in promote (default: <target>-smoke)
  --system SYSTEM     Nix system of the checks (default: x86_64-linux)
  --clean             remove the scratch directory at the end (by default it is kept in the
                      system temp dir, so the printed ledger and evidence paths can be opened)
  --keep              keep the scratch directory (the default; overrides --clean)
  --json              print the summary as JSON on stdout (the readable lines go to stderr)
  --verbose           also print every command the demo runs
  -h, --help          show this help
`;

/** A usage problem: the demo prints it with the usage text and exits 2. */
export class UsageError extends Error {}

/** The demo's flags as node:util parseArgs reads them; an unknown or malformed one is a UsageError. */
function parseFlags(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: {
        genome: { type: 'string' },
        proposal: { type: 'string', multiple: true },
        target: { type: 'string' },
        'vm-check': { type: 'string' },
        system: { type: 'string' },
        keep: { type: 'boolean' },
        clean: { type: 'boolean' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function parseDemoArgs(argv: string[], repoRoot: string, cwd = process.cwd()): DemoOptions | 'help' {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const v = parseFlags(args).values;
  if (v.help) return 'help';
  const genome = resolve(cwd, v.genome ?? `${repoRoot}/examples/genome`);
  if (!existsSync(genome) || !statSync(genome).isDirectory()) {
    throw new UsageError(`--genome ${genome}: not a directory (give the directory that holds flake.nix)`);
  }
  if (!existsSync(resolve(genome, 'flake.nix'))) {
    throw new UsageError(`--genome ${genome}: no flake.nix there (give the directory that holds flake.nix)`);
  }
  const proposals = (v.proposal ?? []).map((p) => resolve(cwd, p));
  for (const p of proposals) {
    if (!existsSync(p) || !statSync(p).isFile()) throw new UsageError(`--proposal ${p}: no such file`);
  }
  for (const [flag, value] of [['--target', v.target], ['--vm-check', v['vm-check']]] as const) {
    if (value !== undefined && !/^[A-Za-z_][A-Za-z0-9_'-]*$/.test(value)) {
      throw new UsageError(`${flag} ${JSON.stringify(value)}: must be a Nix attribute name`);
    }
  }
  return {
    genome,
    proposals,
    target: v.target,
    vmCheck: v['vm-check'],
    system: v.system ?? 'x86_64-linux',
    // The scratch dir lives in the system temp dir, never in the repository, so keeping it by
    // default leaves nothing behind in the repo and keeps the printed evidence paths valid.
    keep: v.keep ?? !v.clean,
    json: v.json ?? false,
    verbose: v.verbose ?? false,
  };
}
