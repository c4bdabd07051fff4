import { describe, expect, it } from 'vitest';
import type { CheckResult } from '@autopoietic/core/schemas';
import { gateFailureLine } from './failure-line.js';

const check = (name: string, status: CheckResult['status'], exit_code: number | null, reason?: string): CheckResult => ({
  name,
  command: 'nix',
  status,
  exit_code,
  stdout: '',
  stderr: '',
  duration_ms: 1,
  ...(reason ? { reason } : {}),
});

describe('gateFailureLine', () => {
  it('names the checks that failed, with their exit codes, for a rejection', () => {
    const checks = [check('nix-flake-check', 'failed', 1), check('expected:fmt', 'passed', 0), check('operator:lint', 'failed', null)];
    expect(gateFailureLine({ status: 'rejected', reason: 'one or more verifier checks failed', checks })).toBe(
      'proposal rejected: one or more verifier checks failed: nix-flake-check (exit 1), operator:lint',
    );
    expect(gateFailureLine({ status: 'rejected', reason: 'patch application failed', checks: [] })).toBe('proposal rejected: patch application failed');
  });

  it('gives no exit code for a step that failed on its answer, not its exit (exit 0)', () => {
    const checks = [check('target-configuration', 'failed', 0, "target configuration 'x' is not defined")];
    expect(gateFailureLine({ status: 'rejected', reason: "target configuration 'x' is not defined", checks })).toBe("proposal rejected: target configuration 'x' is not defined: target-configuration");
  });

  it('names only the checks that failed, not one beside them that could not run', () => {
    const checks = [check('nix-flake-check', 'failed', 1), check('operator:slow', 'error', null, 'timeout after 600 s')];
    expect(gateFailureLine({ status: 'rejected', reason: 'one or more verifier checks failed', checks })).toBe('proposal rejected: one or more verifier checks failed: nix-flake-check (exit 1)');
  });

  it('gives the record reason of an error, which names each check that could not run and why', () => {
    const reason = 'one or more verifier checks could not run: nix-flake-check (timeout after 600 s)';
    expect(gateFailureLine({ status: 'error', reason, checks: [check('nix-flake-check', 'error', null, 'timeout after 600 s')] })).toBe(`proposal errored: ${reason}`);
  });
});
