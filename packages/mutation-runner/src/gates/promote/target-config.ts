import { evalJsonArgs, readEvalJson, type NixPassThrough } from '@autopoietic/core/adapters';
import type { CheckResult } from '@autopoietic/core/schemas';
import { logName, runCheckCommand, toCheckResult } from '../../checks/run.js';

/**
 * P2 promotes a target configuration, so the candidate must define it and it must evaluate: the
 * `target-configuration` step evaluates the names of the candidate flake's nixosConfigurations
 * and the target's `config.system.build.toplevel.drvPath` (instantiating it, building nothing),
 * before any VM check builds. The VM-check prefix rule (`<target>-…`) only ties names together:
 * without this step, `--target-configuration ghost --vm-check ghost-smoke` was promoted on a
 * flake that has no configuration `ghost` at all, and install-plan then seeded that host.
 */
export interface TargetEvaluation {
  check: CheckResult;
  /** Why the target cannot be promoted (`rejected`: the candidate's answer; `error`: no answer). */
  problem?: { status: 'rejected' | 'error'; reason: string };
}

const TOPLEVEL = 'config.system.build.toplevel';

export async function evaluateTarget(opts: { dir: string; target: string; pass: NixPassThrough; env: NodeJS.ProcessEnv; logDir: string; index: number; timeoutMs: number }): Promise<TargetEvaluation> {
  const t = JSON.stringify(opts.target);
  const apply = `cs: { names = builtins.attrNames cs; drv = if builtins.hasAttr ${t} cs then cs.\${${t}}.${TOPLEVEL}.drvPath else null; }`;
  const r = await runCheckCommand({
    command: 'nix',
    args: evalJsonArgs(`${opts.dir}#nixosConfigurations`, opts.pass, apply),
    cwd: opts.dir,
    env: opts.env,
    timeoutMs: opts.timeoutMs,
    logDir: opts.logDir,
    logName: logName(opts.index, 'target-configuration'),
    keepStdout: true,
  });
  const check = toCheckResult('target-configuration', r, opts.timeoutMs, true);
  const missing = (names: string[]) => `target configuration '${opts.target}' is not defined in nixosConfigurations of the candidate flake (available: ${names.length ? names.join(', ') : 'none'})`;
  if (check.status === 'error') return { check, problem: { status: 'error', reason: `could not evaluate target configuration '${opts.target}' (${check.reason}); see the target-configuration log` } };
  if (check.status === 'failed') {
    // Nix names every attribute path it tried when the flake has no such output at all.
    if (/does not provide attribute .*'nixosConfigurations'/.test(r.stderr)) return { check, problem: { status: 'rejected', reason: missing([]) } };
    return { check, problem: { status: 'rejected', reason: `nixosConfigurations.${opts.target}.${TOPLEVEL} does not evaluate in the candidate flake; see the target-configuration log` } };
  }
  const answer = readAnswer(r.stdoutFull);
  if ('problem' in answer) {
    const bad = { ...check, status: 'error' as const, reason: answer.problem };
    return { check: bad, problem: { status: 'error', reason: `could not evaluate target configuration '${opts.target}' (${answer.problem})` } };
  }
  // Nix answered, but the answer is no: the step failed (it read `passed` in a rejected record).
  if (answer.drv === null) return { check: { ...check, status: 'failed', reason: missing(answer.names) }, problem: { status: 'rejected', reason: missing(answer.names) } };
  return { check };
}

/** The eval's JSON, checked: anything but the shape asked for is Nix misbehaving, not an answer. */
export function readAnswer(stdout: Buffer | undefined): { names: string[]; drv: string | null } | { problem: string } {
  const read = readEvalJson(stdout);
  if ('problem' in read) return read;
  const { names, drv } = (read.value ?? {}) as { names?: unknown; drv?: unknown };
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string') || !(drv === null || typeof drv === 'string')) {
    return { problem: 'unexpected nix eval output: not { names: [string], drv: string | null }' };
  }
  return { names, drv };
}
