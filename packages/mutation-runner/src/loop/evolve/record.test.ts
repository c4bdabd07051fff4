import { describe, expect, it } from 'vitest';
import type { CheckResult } from '@autopoietic/core/schemas';
import { scoreOf } from './record.js';

const check = (name: string, status: CheckResult['status']): CheckResult => ({ name, command: 'x', status, exit_code: status === 'passed' ? 0 : 1, stdout: '', stderr: '' });

describe('scoreOf', () => {
  it('is the fraction of checks that passed, keeping the checks as its evidence', () => {
    const s = scoreOf([check('apply-patch', 'passed'), check('nix-flake-check', 'failed'), check('nix-parse:a.nix', 'passed'), check('t', 'error')]);
    expect(s).toEqual({ value: 0.5, passed: 2, total: 4, checks: [
      { name: 'apply-patch', status: 'passed' }, { name: 'nix-flake-check', status: 'failed' }, { name: 'nix-parse:a.nix', status: 'passed' }, { name: 't', status: 'error' },
    ] });
  });
  it('is null, not zero, when no check ran', () => {
    expect(scoreOf([])).toEqual({ value: null, passed: 0, total: 0, checks: [] });
  });
});
