import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureGenome, memoryDir, readmeProposal, runner } from './support.js';

/**
 * proposal.json text that the proposal fingerprint could not tell apart from other text: P2
 * binds to a verified P1 record by mutation id and fingerprint, so two proposal files with one
 * fingerprint are one proposal to the gates while they differ on disk (a reviewer, a diff or
 * another JSON reader sees the other one).
 */
function variant(root: string, edit: (json: string) => string): string {
  const file = readmeProposal(root);
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return file;
}

const verify = (root: string, file: string) => runner(['verify', '--proposal', file, '--root', root, '--memory-dir', memoryDir()]);

describe('verify: proposal text the fingerprint cannot represent', () => {
  it.each([
    // JSON.parse keeps "__proto__" as a key; the schema's record parse dropped it without a word.
    ['a metadata key "__proto__"', '"metadata": { "__proto__": "approved-by: ops", "a": "b" }', '"metadata": { "a": "b" }', /metadata\.__proto__: the key "__proto__" is dropped by JSON readers/],
    // A lone surrogate is hashed as U+FFFD, the same as the replacement character itself.
    ['a lone surrogate in the goal', '"goal": "fix \\ud800"', '"goal": "fix \\ufffd"', /goal: holds a lone UTF-16 surrogate \(\\ud800\) at character 5/],
    ['a lone surrogate in a metadata key', '"metadata": { "k\\udc00": "v" }', '"metadata": { "k\\ufffd": "v" }', /metadata: a key holds a lone UTF-16 surrogate \(\\udc00\) at character 2/],
    // JSON.parse keeps the last of duplicate keys; other readers keep the first or refuse.
    ['a goal given twice', '"goal": "rm -rf the fleet", "goal": "test goal"', '"goal": "test goal"', /is invalid: the key "goal" appears twice in one object/],
    ['a metadata key given twice, once escaped', '"metadata": { "a": "1", "\\u0061": "2" }', '"metadata": { "a": "2" }', /is invalid: metadata: the key "a" appears twice in one object/],
  ])('refuses %s, which shared its fingerprint with another proposal', (_what, hostile, twin, reason) => {
    const root = fixtureGenome();
    const insert = (field: string) => (json: string) => json.replace('"goal": "test goal",', field.startsWith('"goal"') ? `${field},` : `"goal": "test goal", ${field},`);
    const twinRun = verify(root, variant(root, insert(twin)));
    expect(twinRun.code).toBe(0);
    const r = verify(root, variant(root, insert(hostile)));
    expect(r.code).toBe(1);
    const record = r.json();
    expect(record.status).toBe('rejected');
    expect(record.reason).toMatch(reason);
    expect(record.proposal_fingerprint).not.toBe(twinRun.json().proposal_fingerprint);
  });

  it('rejects 200 000 nested objects in metadata by the schema, before anything walks them', () => {
    const root = fixtureGenome();
    const deep = `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`;
    const r = verify(root, variant(root, (json) => json.replace('"goal": "test goal",', `"goal": "test goal", "metadata": ${deep},`)));
    expect(r.code).toBe(1);
    expect(r.json().reason).toMatch(/is invalid: metadata\.a: Invalid input: expected string, received object$/);
  });
});

describe('verify: proposal bytes that are not UTF-8 JSON', () => {
  const withGoal = (root: string, goal: Buffer) => {
    const file = readmeProposal(root);
    const [before, after] = readFileSync(file, 'utf8').split('test goal');
    writeFileSync(file, Buffer.concat([Buffer.from(before!), goal, Buffer.from(after!)]));
    return file;
  };

  it('is an error naming the byte, not a verification of U+FFFD (caf\\xe9 and caf\\xe8 were one proposal with one fingerprint)', () => {
    const root = fixtureGenome();
    const latin1 = (last: number) => Buffer.concat([Buffer.from('caf'), Buffer.from([last])]);
    const first = verify(root, withGoal(root, latin1(0xe9)));
    expect(first.code).toBe(1);
    expect(first.json().status).toBe('error');
    expect(first.json().reason).toMatch(/is not valid UTF-8 \(byte E9 at offset \d+, line \d+\), and JSON text must be: save it as UTF-8/);
    expect(first.json().proposal_fingerprint).toBe('unavailable:proposal-unreadable');
    expect(first.stderr).toMatch(/^proposal errored: .* is not valid UTF-8/m);
    // The same goal in UTF-8 verifies.
    expect(verify(root, withGoal(root, Buffer.from('café'))).code).toBe(0);
  });

  it('says a byte order mark is one (JSON.parse said only "Unexpected token")', () => {
    const root = fixtureGenome();
    const file = readmeProposal(root);
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(file)]));
    const r = verify(root, file);
    expect(r.code).toBe(1);
    expect(r.json().status).toBe('error');
    expect(r.json().reason).toMatch(/starts with a byte order mark \(bytes EF BB BF\), which JSON does not allow: save it as UTF-8 without a BOM$/);
  });
});
