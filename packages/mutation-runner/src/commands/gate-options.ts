import { Option, type Command } from 'commander';
import { collectValues, usageError } from '@autopoietic/core/cli-kit';
import { z } from 'zod';

/** `x64`/`arm64` on linux/darwin -> the Nix system name: the default of promote's and evolve's --system. */
export function localSystem(): string {
  const arch = process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch;
  return `${arch}-${process.platform}`;
}

const EVIDENCE_BUNDLE_HELP = 'also write an evidence bundle here (create-new; refused before any work when unsafe)';

/**
 * Flags shared by verify and promote (and evolve): where things are, how checks run, the evidence
 * sidecar. evolve takes no sidecar: there the flag is parsed (to refuse it with a hint) but not
 * shown in --help.
 */
export function addGateOptions(cmd: Command, opts: { evidenceBundle: boolean } = { evidenceBundle: true }): Command {
  const sidecar = new Option('--evidence-bundle <file>', EVIDENCE_BUNDLE_HELP);
  return cmd
    .option('--root <dir>', 'genome root (default: the nearest directory upwards holding flake.nix, else the working directory)')
    .option('--memory-dir <dir>', 'memory directory for ledgers and check logs (default: see README "Ledgers")')
    .option('--etc-dir <dir>', 'host policy directory holding mutation-runner.json (default: $AUTOPOIETIC_ETC_DIR, else /etc/autopoietic)')
    .option('--policy <file>', 'extra operator policy (operator_checks, protected_paths, timeouts); must be outside the genome, and changeable by nobody but root and you')
    .option('--work-dir <dir>', 'where the temporary candidate is created (default: the system temp dir; never inside the root)')
    .option('--keep-worktree', 'keep the candidate directory afterwards (its path is logged)')
    .option('--jobs <n>', 'checks run at the same time (default: number of cores)')
    .option('--fail-fast', 'stop the other checks after the first one that does not pass')
    .option('--timeout <seconds>', 'default timeout of each check (default: policy default_timeout_seconds, else 1800)')
    .option('--nix-option <name=value>', 'pass --option NAME VALUE to every nix command (repeatable)', collectValues)
    .option('--builders <spec>', 'pass --builders SPEC to every nix command (remote builders)')
    .option('--no-progress', 'no build progress on stderr even when it is a terminal')
    .addOption(opts.evidenceBundle ? sidecar : sidecar.hideHelp());
}

const positiveInt = (flag: string) =>
  z
    .string()
    .regex(/^[1-9]\d*$/, `${flag} must be a positive whole number`)
    .transform(Number)
    .optional();

const GateOptions = z.object({
  root: z.string().optional(),
  memoryDir: z.string().optional(),
  etcDir: z.string().optional(),
  policy: z.string().optional(),
  workDir: z.string().optional(),
  keepWorktree: z.boolean().optional(),
  jobs: positiveInt('--jobs'),
  failFast: z.boolean().optional(),
  timeout: positiveInt('--timeout'),
  nixOption: z.array(z.string()).default([]),
  builders: z.string().optional(),
  progress: z.boolean(),
  evidenceBundle: z.string().optional(),
});

export type ParsedGateOptions = z.infer<typeof GateOptions>;

/** Validates the shared flags; a bad value is a usage error (exit 2). */
export function parseGateOptions(raw: Record<string, unknown>): ParsedGateOptions {
  const r = GateOptions.safeParse(raw);
  if (!r.success) {
    const msg = r.error.issues.map((i) => i.message).join('; ');
    throw usageError('invalid-option', msg, 'See --help for the accepted values.');
  }
  // --no-progress sets progress=false; when absent, progress follows whether stderr is a terminal.
  return { ...r.data, progress: r.data.progress && process.stderr.isTTY === true };
}
