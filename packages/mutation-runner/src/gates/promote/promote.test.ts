import { describe, expect, it } from 'vitest';
import type { MutationVerificationRecord } from '@autopoietic/core/schemas';
import { bindVerification, rootMismatch } from './binding.js';
import { featureProblem, systemProblem, type MachineFeatures } from './kvm.js';
import { readAnswer } from './target-config.js';
import { flagProblem, readDiscovery, targetPrefixProblem } from './vm-checks.js';

const rec = (id: string, status: MutationVerificationRecord['status'], fp: string, mutation = 'mut-a'): MutationVerificationRecord => ({
  schema_version: '0.1.0', verification_id: id, timestamp: '2026-01-01T00:00:00.000Z', mutation_id: mutation, goal: 'g', phase: 'P1',
  status, reason: status, proposal_fingerprint: fp, root_fingerprint: `sha256:${'1'.repeat(64)}`, changed_paths: [], checks: [],
});
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

describe('P1 binding', () => {
  it('takes the latest record with the same mutation id AND proposal fingerprint', () => {
    const r = bindVerification([rec('v1', 'verified', A), rec('v2', 'rejected', B), rec('v3', 'verified', A, 'mut-other')], 'mut-a', A, 'j');
    expect(r).toMatchObject({ ok: true, verification: { verification_id: 'v1' } });
  });

  it('lets a newer rejected run of the same version hide an older verified one', () => {
    const r = bindVerification([rec('v1', 'verified', A), rec('v2', 'rejected', A)], 'mut-a', A, 'j');
    expect(r).toMatchObject({ ok: false, kind: 'not-verified', verification: { verification_id: 'v2' } });
    expect(!r.ok && r.reason).toBe('P1 verification v2 is not verified (status rejected: rejected)');
  });

  it('names each mismatch', () => {
    expect(bindVerification([], 'mut-a', A, '/m/r.jsonl')).toMatchObject({ ok: false, kind: 'no-evidence', reason: 'no P1 verification evidence found for mutation mut-a in /m/r.jsonl' });
    const changed = bindVerification([rec('v1', 'verified', B)], 'mut-a', A, 'j');
    expect(changed).toMatchObject({ ok: false, kind: 'proposal-changed' });
    expect(!changed.ok && changed.reason).toContain('does not match the current proposal fingerprint');
    expect(rootMismatch(rec('v1', 'verified', A), `sha256:${'2'.repeat(64)}`)).toContain('root fingerprint does not match P1 verification v1');
    expect(rootMismatch(rec('v1', 'verified', A), `sha256:${'1'.repeat(64)}`)).toBeUndefined();
  });
});

describe('VM check names', () => {
  it('validates attribute-name syntax, the system, and the target prefix', () => {
    expect(flagProblem(['iso-boot-basic'], 'iso', 'x86_64-linux')).toBeUndefined();
    expect(flagProblem(['iso boot'], 'iso', 'x86_64-linux')).toContain('--vm-check');
    expect(flagProblem(['iso-x'], 'is o', 'x86_64-linux')).toContain('--target-configuration');
    expect(flagProblem(['iso-x'], 'iso', 'x86_64-linux.evil')).toContain('--system');
    expect(targetPrefixProblem(['seed-smoke', 'seed-boot'], 'seed')).toBeUndefined();
    expect(targetPrefixProblem(['iso-boot-basic'], 'aion')).toBe("VM check 'iso-boot-basic' does not match target_configuration 'aion' (VM checks must be named aion-*)");
    expect(targetPrefixProblem(['seedling'], 'seed')).toBeDefined();
  });
});

describe('build preflight', () => {
  const m = (over: Partial<MachineFeatures> = {}): MachineFeatures => ({ system: 'x86_64-linux', extraPlatforms: [], features: ['benchmark', 'big-parallel', 'kvm', 'nixos-test'], kvmDevice: true, builders: [], ...over });

  it('passes checks with no requirements, or whose features the machine has', () => {
    expect(featureProblem([], m({ features: [], kvmDevice: false }))).toBeUndefined();
    expect(featureProblem(['kvm', 'nixos-test'], m())).toBeUndefined();
  });

  it('refuses kvm / nixos-test without a usable /dev/kvm or without the feature', () => {
    expect(featureProblem(['nixos-test'], m({ kvmDevice: false }))).toBe('requires nixos-test, but this machine lacks a usable /dev/kvm, and no remote builder offers them');
    expect(featureProblem(['kvm'], m({ features: ['benchmark'] }))).toContain('lacks system feature kvm (system-features = benchmark)');
  });

  it('accepts a remote builder that offers the features for that system', () => {
    const builders = [{ spec: 'ssh://b', systems: ['x86_64-linux'], features: ['kvm', 'nixos-test'] }];
    expect(featureProblem(['kvm'], m({ kvmDevice: false, features: [], builders }))).toBeUndefined();
    expect(featureProblem(['kvm'], m({ kvmDevice: false, features: [], builders }), 'aarch64-linux')).toBeDefined();
  });

  it('checks the system against this machine, extra-platforms and builders', () => {
    expect(systemProblem('x86_64-linux', m())).toBeUndefined();
    expect(systemProblem('i686-linux', m({ extraPlatforms: ['i686-linux'] }))).toBeUndefined();
    expect(systemProblem('aarch64-linux', m({ builders: [{ spec: 's', systems: ['aarch64-linux'], features: [] }] }))).toBeUndefined();
    expect(systemProblem('aarch64-linux', m())).toBe('checks for aarch64-linux cannot be built here: this machine builds x86_64-linux, and no remote builder offers aarch64-linux');
  });
});

describe("reading nix eval's answers (list-vm-checks, target-configuration)", () => {
  const out = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

  it('takes the shape asked for', () => {
    expect(readDiscovery(out({ names: ['seed-smoke'], features: { 'seed-smoke': ['kvm'] } }))).toEqual({ names: ['seed-smoke'], features: { 'seed-smoke': ['kvm'] } });
    expect(readAnswer(out({ names: ['seed'], drv: null }))).toEqual({ names: ['seed'], drv: null });
  });

  it('calls anything else a problem (no verdict), never an answer: a string where a list was asked, a missing field, not JSON', () => {
    for (const bad of [{ names: 'seed-smoke', features: {} }, { names: ['a'] }, { names: ['a'], features: { a: 'kvm' } }, null, 'not json']) {
      expect(readDiscovery(out(bad))).toHaveProperty('problem');
    }
    for (const bad of [{ names: 'seed', drv: null }, { names: ['seed'] }, { names: ['seed'], drv: 3 }, 'not json']) {
      expect(readAnswer(out(bad))).toHaveProperty('problem');
    }
  });
});
