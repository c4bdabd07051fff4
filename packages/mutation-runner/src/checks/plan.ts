import { buildArgs, flakeCheckArgs, nixCommonArgs, type NixInfo, type NixPassThrough } from '@autopoietic/core/adapters';
import type { ExpectedCheck } from '@autopoietic/core/schemas';
import type { AllowedShape } from './allowlist.js';

/**
 * A check ready to run: the exact argv (recorded as such), where it came from, its timeout, and
 * whether it is a Nix command (for progress) or a `nix build` (for out paths).
 */
export type CheckOrigin = 'default' | 'proposal' | 'operator' | 'vm';

export interface PlannedCheck {
  name: string;
  command: string;
  args: string[];
  origin: CheckOrigin;
  timeoutMs: number;
  nix: boolean;
  buildsOutPaths: boolean;
}

export interface PlanContext {
  candidateDir: string;
  nix: NixInfo;
  pass: NixPassThrough;
  timeouts: TimeoutPolicy;
}

/**
 * Timeouts, in seconds. `base` is --timeout, else the policy's default_timeout_seconds, else
 * DEFAULT_TIMEOUT_SECONDS. The policy's check_timeouts (by check name) win over everything; an
 * operator check's own timeout_seconds wins over base; a proposal's timeout_seconds may only
 * shorten base (a proposal is untrusted and must not buy itself hours).
 */
export interface TimeoutPolicy {
  base: number;
  byName: Record<string, number>;
}

export const DEFAULT_TIMEOUT_SECONDS = 1800;

/**
 * The longest timeout a check gets: 2^31-1 ms (~24.8 days) is the longest timer Node can set, and
 * a longer one fires after 1 ms (every check would "time out" at once). Any longer timeout from a
 * flag or a policy means "practically never", which this still is.
 */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export function clampTimeout(seconds: number): number {
  return Math.min(seconds, MAX_TIMEOUT_SECONDS);
}

export function timeoutFor(name: string, origin: CheckOrigin, own: number | undefined, t: TimeoutPolicy): number {
  const named = t.byName[name];
  if (named !== undefined) return clampTimeout(named);
  if (own === undefined) return clampTimeout(t.base);
  return clampTimeout(origin === 'operator' ? own : Math.min(own, t.base));
}

export const DEFAULT_CHECK_NAME = 'nix-flake-check';

/** The default P1 check: `nix flake check --no-write-lock-file <candidate>`. */
export function defaultFlakeCheck(ctx: PlanContext): PlannedCheck {
  return plannedNix(DEFAULT_CHECK_NAME, 'default', flakeCheckArgs(ctx.nix, ctx.candidateDir, ctx.pass), ctx, undefined, false);
}

/** A proposal check that passed the allowlist, turned into the argv that runs it in the candidate. */
export function plannedProposalCheck(check: ExpectedCheck, shape: AllowedShape, ctx: PlanContext): PlannedCheck {
  const dir = ctx.candidateDir;
  const own = check.timeout_seconds;
  switch (shape.kind) {
    case 'plain':
      return {
        name: check.name,
        command: check.command,
        args: [...(check.args ?? [])],
        origin: 'proposal',
        timeoutMs: timeoutFor(check.name, 'proposal', own, ctx.timeouts) * 1000,
        nix: false,
        buildsOutPaths: false,
      };
    case 'nix-flake-check':
      return plannedNix(check.name, 'proposal', flakeCheckArgs(ctx.nix, dir, ctx.pass, shape.flags), ctx, own, false);
    case 'nix-build':
      return plannedNix(check.name, 'proposal', buildArgs(ctx.nix, `${dir}#${shape.attr}`, ctx.pass, shape.flags), ctx, own, true);
    case 'nix-eval':
      return plannedNix(check.name, 'proposal', [...nixCommonArgs(ctx.pass), 'eval', '--no-write-lock-file', ...shape.flags, `${dir}#${shape.attr}`], ctx, own, false);
    case 'nix-instantiate': {
      // Restricted evaluation: only the candidate (and the user's NIX_PATH) can be read.
      const options = (ctx.pass.options ?? []).flatMap(([k, v]) => ['--option', k, v]);
      const args = ['--option', 'restrict-eval', 'true', '-I', dir, ...options, ...shape.flags, shape.file];
      return { ...plannedNix(check.name, 'proposal', args, ctx, own, false), command: 'nix-instantiate', nix: false };
    }
  }
}

/** An operator check from the host policy: trusted, run exactly as written; recorded as `operator:<name>`, timed by its own name. */
export function plannedOperatorCheck(check: { name: string; command: string; args?: string[] | undefined; timeout_seconds?: number | undefined }, ctx: PlanContext): PlannedCheck {
  const name = `operator:${check.name}`;
  return {
    name,
    command: check.command,
    args: [...(check.args ?? [])],
    origin: 'operator',
    timeoutMs: timeoutFor(check.name, 'operator', check.timeout_seconds, ctx.timeouts) * 1000,
    nix: false,
    buildsOutPaths: false,
  };
}

/** `vm-check:<name>`: `nix build` of `checks.<system>.<name>` in the candidate flake. */
export function plannedVmCheck(vmName: string, system: string, ctx: PlanContext): PlannedCheck {
  const installable = `${ctx.candidateDir}#checks.${system}.${vmName}`;
  return plannedNix(`vm-check:${vmName}`, 'vm', buildArgs(ctx.nix, installable, ctx.pass), ctx, undefined, true);
}

function plannedNix(name: string, origin: CheckOrigin, args: string[], ctx: PlanContext, own: number | undefined, builds: boolean): PlannedCheck {
  return { name, command: 'nix', args, origin, timeoutMs: timeoutFor(name, origin, own, ctx.timeouts) * 1000, nix: true, buildsOutPaths: builds };
}
