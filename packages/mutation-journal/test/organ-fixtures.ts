import { appendRecord } from '@autopoietic/core/ledger';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../../tests/support/cli.js';

/**
 * Fixture ledgers for the organ e2e tests, written through the real ledger append (validated,
 * chained), so the CLI reads them exactly as it reads ledgers the tools wrote.
 */
export const journal = (args: string[], memoryDir: string, cwd?: string) =>
  runCli('mutation-journal', ['organ', ...args, '--memory-dir', memoryDir], cwd ? { cwd } : {});

export const daysAgo = (d: number, now = Date.now()) => new Date(now - d * 86_400_000).toISOString();

const FP = `sha256:${'a'.repeat(64)}`;
const check = (status: 'passed' | 'failed') => ({ name: 'apply-patch', command: 'internal-unified-diff', status, exit_code: status === 'passed' ? 0 : 1, stdout: '', stderr: '' });

export async function promotion(dir: string, p: { id: string; status: 'promoted' | 'rejected' | 'error'; organs?: string[]; paths?: string[]; at?: string; mutation?: string }) {
  return appendRecord(join(dir, 'mutation-promotions.jsonl'), 'mutation-promotion', {
    schema_version: '0.1.0', promotion_id: p.id, timestamp: p.at ?? daysAgo(1), mutation_id: p.mutation ?? `mut-${p.id}`, goal: 'g', phase: 'P2',
    status: p.status, reason: p.status, proposal_fingerprint: FP, promotion_root_fingerprint: FP, parent_genome: 'git:abc', target_configuration: 'iso',
    changed_paths: p.paths ?? [], ...(p.organs ? { changed_organs: p.organs } : {}), checks: [check(p.status === 'promoted' ? 'passed' : 'failed')],
    ...(p.status === 'promoted' ? { verification_id: `ver-${p.id}`, verified_root_fingerprint: FP } : {}),
  });
}

export async function generation(dir: string, g: { label: string; status: 'planned' | 'installed' | 'failed' | 'reverted'; organs: string[]; at?: string; mutation?: string }) {
  return appendRecord(join(dir, 'generations.jsonl'), 'generation', {
    schema_version: '0.1.0', timestamp: g.at ?? daysAgo(1), lineage_status: g.status, generation: g.label, mutation_id: g.mutation ?? `mut-${g.label}`,
    goal: 'g', changed_organs: g.organs, parent_generation: null, activation_result: g.status,
  });
}

export async function verification(dir: string, v: { id: string; status: 'verified' | 'rejected' | 'error'; paths: string[]; at?: string }) {
  return appendRecord(join(dir, 'mutation-results.jsonl'), 'mutation-result', {
    schema_version: '0.1.0', verification_id: v.id, timestamp: v.at ?? daysAgo(1), mutation_id: `mut-${v.id}`, goal: 'g', phase: 'P1',
    status: v.status, reason: v.status, proposal_fingerprint: FP, root_fingerprint: FP, changed_paths: v.paths, checks: [check(v.status === 'verified' ? 'passed' : 'failed')],
  });
}

/** An organ line written directly (for times in the past, or lines without organ_id). */
export async function organLine(dir: string, o: Record<string, unknown> & { name: string }) {
  return appendRecord(join(dir, 'organs.jsonl'), 'organ', { schema_version: '0.1.0', type: 'cli', source: `src/${o.name}`, purpose: 'p', ...o });
}

/** Every file under `dir` with its bytes: two snapshots are equal when nothing was written. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}
