import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@autopoietic/core/canonical';
import { loadRecords, verifyLedger } from '@autopoietic/core/ledger';
import { EffectRecord, InstallSeedFilePlan } from '@autopoietic/core/schemas';
import { tempDir } from '../../../../../tests/support/tmp.js';
import { promotion, verification } from '../../../test/fixtures/install/evidence.js';
import { buildSeedFiles, identityContent, plannedGeneration, SEED_SOURCES } from './seeds.js';

function build(over: { targetRoot?: string; memoryDir?: string; host?: string } = {}) {
  const p = promotion();
  const identity = { host: over.host ?? 'iso', source: 'fallback:target-configuration' };
  const common = { promotion: p, targetRoot: over.targetRoot ?? '/mnt', installedMemoryDir: over.memoryDir ?? '/var/lib/autopoietic', identity };
  const generation = plannedGeneration({ ...common, parentGeneration: 'gen-parent', resultingGeneration: 'gen-child' });
  return { generation, files: buildSeedFiles({ ...common, verification: verification(), generation }) };
}

describe('seed files', () => {
  it('are five files with exact content whose sha256 is the manifest hash', () => {
    const { files } = build();
    expect(files.map((f) => f.installed_path)).toEqual([
      '/etc/autopoietic/identity.json',
      '/var/lib/autopoietic/mutation-results.jsonl',
      '/var/lib/autopoietic/mutation-promotions.jsonl',
      '/var/lib/autopoietic/generations.jsonl',
      '/var/lib/autopoietic/effects.jsonl',
    ]);
    for (const f of files) {
      expect(InstallSeedFilePlan.safeParse(f).success).toBe(true);
      expect(sha256(Buffer.from(f.content, f.content_encoding))).toBe(f.content_sha256);
      expect(f.target_path).toBe(`/mnt${f.installed_path}`);
    }
  });

  it('are deterministic: planning twice gives the same bytes (no timestamps of "now" inside)', () => {
    const a = build();
    const b = build();
    expect(b.files.map((f) => f.content_sha256)).toEqual(a.files.map((f) => f.content_sha256));
    expect(a.generation.timestamp).toBe(promotion().timestamp);
  });

  it('follow the installed memory dir and the identity host', () => {
    const { files } = build({ memoryDir: '/persist/autopoietic', host: 'aion' });
    expect(files.slice(1).every((f) => f.installed_path.startsWith('/persist/autopoietic/'))).toBe(true);
    expect(files[0]!.content).toBe(identityContent('aion'));
    expect(JSON.parse(files[0]!.content)).toEqual({ host: 'aion', roles: ['autopoietic', 'installed-seed'] });
  });

  it('give deterministic planned-effect ids that differ per target', () => {
    const a = build();
    const b = build({ targetRoot: '/other' });
    expect(a.files[0]!.effect.effect_id).toMatch(/^eff-plan-[0-9a-f]{64}$/);
    expect(a.files[0]!.effect.effect_id).not.toBe(a.files[1]!.effect.effect_id);
    expect(a.files[0]!.effect.effect_id).not.toBe(b.files[0]!.effect.effect_id);
  });

  it('seed ledgers that the ledger reader and verifier accept', async () => {
    const { files, generation } = build();
    const dir = tempDir();
    const schemaOf: Record<string, 'mutation-result' | 'mutation-promotion' | 'generation' | 'effect'> = {
      [SEED_SOURCES.verification]: 'mutation-result',
      [SEED_SOURCES.promotion]: 'mutation-promotion',
      [SEED_SOURCES.generation]: 'generation',
      [SEED_SOURCES.effects]: 'effect',
    };
    for (const f of files.slice(1)) {
      const path = join(dir, f.installed_path.split('/').at(-1)!);
      writeFileSync(path, f.content);
      const report = await verifyLedger(path, schemaOf[f.source]!);
      expect(report.status, JSON.stringify(report.problems)).toBe('ok');
    }
    const effects = await loadRecords(join(dir, 'effects.jsonl'), 'effect');
    expect(effects).toHaveLength(5);
    expect(effects.map((e) => e.target)).toEqual(files.map((f) => f.target_path));
    expect(effects.every((e) => EffectRecord.safeParse(e).success && e.type === 'planned-seed-file-write')).toBe(true);
    const lineage = await loadRecords(join(dir, 'generations.jsonl'), 'generation');
    expect(lineage[0]).toMatchObject({ ...generation, chain: { seq: 1 } });
  });
});
