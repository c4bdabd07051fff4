import { dirname } from 'node:path';
import { checkOutputPath, isInsideDir, lexicalAbsolute, makeDirs, resolvedPath, sameFile, writeOutputFile } from '@autopoietic/core/adapters';
import { usageError } from '@autopoietic/core/cli-kit';

/**
 * install-verify's `--output`: where its report is kept, so that the evidence bundle can cite a
 * file an auditor can digest again (before, its input was "mutation-runner install-verify output",
 * kept nowhere). Written as os-introspect and lineage write theirs (core's writeOutputFile:
 * a temp file, then rename), and checked before any work (exit 2): never a ledger, a directory,
 * a pseudo-file system or under a file (checkOutputPath: missing directories are made), never the
 * plan it checks, and never inside the target root, which install-verify only reads.
 */
export function checkReportOutput(raw: string, cwd: string, plan: { file: string; targetRoot: string }): string {
  const output = checkOutputPath('--output', lexicalAbsolute(raw, cwd), 'install-verify.json', { createsParents: true });
  if (output === plan.file || resolvedPath(output) === resolvedPath(plan.file) || sameFile(output, plan.file)) {
    throw usageError('output-is-input', `--output ${output} is the plan ${plan.file}: refusing to replace the plan with its report`, 'Write the report to a file of its own, e.g. --output install-verify.json.');
  }
  if (isInsideDir(output, plan.targetRoot)) {
    throw usageError('output-in-target-root', `--output ${output} is inside the target root ${plan.targetRoot}, which install-verify only reads`, 'Write the report outside the target root, e.g. next to the plan.');
  }
  return output;
}

/** Writes the report (pretty JSON and a newline) to a checked --output, replacing it atomically. */
export async function writeReport(output: string, report: unknown): Promise<void> {
  makeDirs(dirname(output));
  await writeOutputFile(output, `${JSON.stringify(report, null, 2)}\n`);
}
