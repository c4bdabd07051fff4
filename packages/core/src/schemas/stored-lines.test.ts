import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeAjv } from '../../../../tests/support/ajv.js';
import { REPO_ROOT } from '../../../../tests/support/cli.js';
import { mutationRecord } from '../../../../tests/support/records.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { appendRecord } from '../ledger/append.js';
import type { LedgerSchemaName } from '../ledger/validate.js';

/**
 * Realistic records, appended through the ledger and read back as the exact stored line (with its
 * `chain`), validate against the committed JSON Schemas: what the tools write is what
 * memory/*.schema.json promises to readers in other languages.
 */
const TS = '2026-01-02T03:04:05.678Z';
const FP = `sha256:${'0f'.repeat(32)}`;
const check = { name: 'nix-flake-check', command: 'nix', args: ['flake', 'check'], status: 'passed', exit_code: 0, stdout: '', stderr: 'evaluating...' };

const SAMPLES: Array<[LedgerSchemaName, Record<string, unknown>]> = [
  ['mutation', mutationRecord({ changed_paths: ['hosts/aion/default.nix'], metadata: { ticket: 'A-1' } })],
  ['effect', { schema_version: '0.1.0', effect_id: 'eff-20260102-030405-0123456789abcdef0123456789abcdef', timestamp: TS, mutation_id: 'mut-1', type: 'file-write', target: '/var/lib/autopoietic/identity.json', reversible: true, compensation: 'restore the backup', verified_by: 'sha256 compare', risk: 'medium', metadata: {} }],
  ['generation', { schema_version: '0.1.0', timestamp: TS, lineage_status: 'planned', generation: 'gen-child', mutation_id: 'mut-1', goal: 'g', changed_organs: ['zsh'], parent_generation: null, activation_result: 'planned-install', promotion_id: 'pro-1', target_root: '/mnt', metadata: { parent_genome: 'git:abc' } }],
  ['mutation-result', { schema_version: '0.1.0', verification_id: 'ver-1', timestamp: TS, mutation_id: 'mut-1', goal: 'g', phase: 'P1', status: 'verified', reason: 'all checks passed', proposal_fingerprint: FP, root_fingerprint: 'unavailable:not-a-git-repo', changed_paths: ['a.nix'], checks: [check] }],
  ['mutation-promotion', { schema_version: '0.1.0', promotion_id: 'pro-1', timestamp: TS, mutation_id: 'mut-1', goal: 'g', phase: 'P2', status: 'promoted', reason: 'ok', verification_id: 'ver-1', proposal_fingerprint: FP, verified_root_fingerprint: FP, promotion_root_fingerprint: FP, parent_genome: 'git:abc', target_configuration: 'iso', changed_paths: [], checks: [{ ...check, name: 'vm-check:iso-boot-basic' }] }],
  ['organ', { schema_version: '0.1.0', name: 'zsh', type: 'home-manager-module', source: 'home/user.nix', purpose: 'shell', usage_count: 3, related_goals: ['comfort'], decay_status: 'active' }],
];

describe('stored ledger lines validate against the committed JSON Schemas', () => {
  const ajv = makeAjv();
  it.each(SAMPLES)('%s', async (schemaName, record) => {
    const file = join(tempDir(), 'ledger.jsonl');
    await appendRecord(file, schemaName, record);
    await appendRecord(file, schemaName, record);
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'memory', `${schemaName}.schema.json`), 'utf8'));
    const validate = ajv.compile(schema);
    for (const line of readFileSync(file, 'utf8').trimEnd().split('\n')) {
      const value = JSON.parse(line);
      expect(value.chain).toBeDefined();
      expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(validate({ ...JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!), chain: { seq: 0, prev: 'x' } })).toBe(false);
  });
});
