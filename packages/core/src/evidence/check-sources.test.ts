import { describe, expect, it } from 'vitest';
import { relocateLedger, relocateLog, sourceOf } from './check-sources.js';

const input = (kind: string, source: string) => ({ kind, provenance: { kind, source, digest: { algorithm: 'sha256' as const, value: `sha256:${'0'.repeat(64)}` }, schema_version: '0.1.0' } });

describe('sourceOf', () => {
  it('reads a gate record and its check list back as ledger and id, splitting at the last #', () => {
    expect(sourceOf(input('mutation-verification-record', '/m/a#b/mutation-results.jsonl#ver-1'))).toEqual({ type: 'ledger-record', ledger: '/m/a#b/mutation-results.jsonl', id: 'ver-1' });
    expect(sourceOf(input('mutation-promotion-record', '/m/mutation-promotions.jsonl#pro-1'))).toEqual({ type: 'ledger-record', ledger: '/m/mutation-promotions.jsonl', id: 'pro-1' });
    expect(sourceOf(input('check-list', '/m/mutation-results.jsonl#ver-1#checks'))).toEqual({ type: 'check-list', ledger: '/m/mutation-results.jsonl', id: 'ver-1' });
  });

  it('reads files by bytes, an inline patch from its proposal, and install-verify\'s plan and kept report as JSON files', () => {
    expect(sourceOf(input('proposal-file', '/p/proposal.json'))).toEqual({ type: 'file-bytes', path: '/p/proposal.json' });
    expect(sourceOf(input('patch', '/p/patch.diff'))).toEqual({ type: 'file-bytes', path: '/p/patch.diff' });
    expect(sourceOf(input('patch', '/p/proposal.json#patch'))).toEqual({ type: 'inline-patch', proposal: '/p/proposal.json' });
    expect(sourceOf(input('install-plan-output', '/p/plan.json'))).toEqual({ type: 'json-file', path: '/p/plan.json' });
    expect(sourceOf(input('install-verify-output', '/p/install-verify.json'))).toEqual({ type: 'json-file', path: '/p/install-verify.json' });
  });

  it('never derives what is kept nowhere: command outputs, and sources it cannot read back', () => {
    expect(sourceOf(input('install-verify-output', 'mutation-runner install-verify output'))).toMatchObject({ type: 'command-output', reason: expect.stringMatching(/kept nowhere/) });
    expect(sourceOf(input('install-plan-output', 'mutation-runner install-plan output'))).toMatchObject({ type: 'command-output' });
    expect(sourceOf(input('organ-review-output', 'organ review:/m/organs.jsonl'))).toMatchObject({ type: 'command-output' });
    expect(sourceOf(input('mutation-verification-record', 'mutation-results.jsonl#ver-1'))).toMatchObject({ type: 'unknown', reason: expect.stringMatching(/not an absolute path/) });
    expect(sourceOf(input('mutation-verification-record', '/m/mutation-results.jsonl#'))).toMatchObject({ type: 'unknown' });
    expect(sourceOf(input('check-list', '/m/mutation-results.jsonl#ver-1'))).toMatchObject({ type: 'unknown' });
    expect(sourceOf(input('self-state', '/x'))).toMatchObject({ type: 'unknown', reason: 'no rule re-derives an input of kind self-state' });
  });
});

describe('relocation with --memory-dir', () => {
  it('moves ledgers by name, and logs only when they were under the ledger\'s directory', () => {
    expect(relocateLedger('/old/mutation-results.jsonl', undefined)).toBe('/old/mutation-results.jsonl');
    expect(relocateLedger('/old/mutation-results.jsonl', '/new')).toBe('/new/mutation-results.jsonl');
    expect(relocateLog('/old/logs/ver-1/a.log', '/old/mutation-results.jsonl', '/new')).toBe('/new/logs/ver-1/a.log');
    expect(relocateLog('/elsewhere/a.log', '/old/mutation-results.jsonl', '/new')).toBe('/elsewhere/a.log');
    expect(relocateLog('/old/logs/a.log', '/old/mutation-results.jsonl', undefined)).toBe('/old/logs/a.log');
  });
});
