import { evalJsonArgs, readEvalJson, type NixInfo, type NixPassThrough } from '@autopoietic/core/adapters';
import type { CheckResult } from '@autopoietic/core/schemas';
import { isAttrName } from '../../checks/allowlist.js';
import { logName, runCheckCommand, toCheckResult } from '../../checks/run.js';

export const DEFAULT_VM_CHECK = 'iso-boot-basic';

/** Every VM check must be named `<target-configuration>-…` (the reference's rule); names are already valid attribute names. */
export function targetPrefixProblem(names: readonly string[], target: string): string | undefined {
  const off = names.find((n) => !n.startsWith(`${target}-`));
  return off === undefined ? undefined : `VM check '${off}' does not match target_configuration '${target}' (VM checks must be named ${target}-*)`;
}

/** Usage-level validation of the promote flags that end up in installables (exit 2 when wrong). */
export function flagProblem(vmChecks: readonly string[], target: string, system: string): string | undefined {
  if (!isAttrName(target)) return `--target-configuration ${JSON.stringify(target)} is not a Nix attribute name`;
  if (!/^[a-z0-9_]+-[a-z0-9_]+$/.test(system)) return `--system ${JSON.stringify(system)} is not a Nix system name like x86_64-linux`;
  const bad = vmChecks.find((n) => !isAttrName(n));
  return bad === undefined ? undefined : `--vm-check ${JSON.stringify(bad)} is not a Nix attribute name (letters, digits, _, ' and -, not starting with a digit or -)`;
}

export interface Discovery {
  check: CheckResult;
  /** Attribute names of checks.<system>, when the evaluation succeeded. */
  names?: string[];
  /** requiredSystemFeatures of each requested check that exists. */
  features?: Record<string, string[]>;
}

/**
 * Evaluates the attribute names of the candidate flake's `checks.<system>` (and the required
 * system features of the requested ones) BEFORE anything builds, as the `list-vm-checks` step.
 */
export async function discoverVmChecks(opts: {
  dir: string;
  system: string;
  names: readonly string[];
  nix: NixInfo;
  pass: NixPassThrough;
  env: NodeJS.ProcessEnv;
  logDir: string;
  index: number;
  timeoutMs: number;
}): Promise<Discovery> {
  const wanted = opts.names.map((n) => JSON.stringify(n)).join(' ');
  const apply = `cs: { names = builtins.attrNames cs; features = builtins.listToAttrs (map (n: { name = n; value = cs.\${n}.requiredSystemFeatures or [ ]; }) (builtins.filter (n: builtins.hasAttr n cs) [ ${wanted} ])); }`;
  const r = await runCheckCommand({
    command: 'nix',
    args: evalJsonArgs(`${opts.dir}#checks.${opts.system}`, opts.pass, apply),
    cwd: opts.dir,
    env: opts.env,
    timeoutMs: opts.timeoutMs,
    logDir: opts.logDir,
    logName: logName(opts.index, 'list-vm-checks'),
    keepStdout: true,
  });
  const check = toCheckResult('list-vm-checks', r, opts.timeoutMs, true);
  if (check.status !== 'passed') return { check };
  const answer = readDiscovery(r.stdoutFull);
  if ('problem' in answer) return { check: { ...check, status: 'error', reason: answer.problem } };
  return { check, ...answer };
}

/**
 * The eval's JSON, checked: anything but the shape asked for is Nix (or a wrapper) misbehaving,
 * not an answer, so no verdict (it was cast unchecked, and `names` as a string passed the
 * missing-check test letter by letter).
 */
export function readDiscovery(stdout: Buffer | undefined): { names: string[]; features: Record<string, string[]> } | { problem: string } {
  const read = readEvalJson(stdout);
  if ('problem' in read) return read;
  const { names, features } = (read.value ?? {}) as { names?: unknown; features?: unknown };
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const featureMap = typeof features === 'object' && features !== null && !Array.isArray(features) && Object.values(features).every(strings);
  if (!strings(names) || !featureMap) return { problem: 'unexpected nix eval output: not { names: [string], features: { <check>: [string] } }' };
  return { names, features: features as Record<string, string[]> };
}
