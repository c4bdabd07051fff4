import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { exampleGenome, HOST_GOAL, scriptGenerator } from './evolve-support.js';
import { makePatch, memoryDir, runner } from './support.js';

const WRAPPER = join(REPO_ROOT, 'examples', 'generators', 'llm-wrapper.mjs');

/**
 * The documented way to plug an LLM command line in: examples/generators/llm-wrapper.mjs in
 * front of it. The "LLM" here is a script that answers with a canned diff in a fenced block, so
 * the test runs offline; it also keeps the prompt it was given.
 */
describe('evolve with an LLM command line behind llm-wrapper.mjs', () => {
  it('sends the hand-off and the named files, and turns the fenced diff of the answer into a verified proposal', () => {
    const root = exampleGenome();
    const { patch } = makePatch(root, (w) => {
      const f = join(w, 'hosts/seed/configuration.nix');
      writeFileSync(f, readFileSync(f, 'utf8').replace('"seed-01"', '"seed-02"'));
    });
    const dir = tempDir('aos-llm-');
    writeFileSync(join(dir, 'answer.md'), `Sure. Here is the change:\n\n\`\`\`diff\n${patch.trimEnd()}\n\`\`\`\n\nIt renames the host.\n`);
    const llm = scriptGenerator('fake-llm', `
      import { readFileSync, writeFileSync } from 'node:fs';
      writeFileSync(process.argv[2] + '/prompt.txt', readFileSync(0, 'utf8'));
      process.stdout.write(readFileSync(process.argv[2] + '/answer.md', 'utf8'));
    `);
    const r = runner(['evolve', '--root', root, '--memory-dir', memoryDir(), '--goal', HOST_GOAL, '--attempts', '1', '--generator', `node ${WRAPPER} -- ${llm} ${dir}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().outcome).toBe('verified');
    const prompt = readFileSync(join(dir, 'prompt.txt'), 'utf8');
    expect(prompt).toContain(`# Goal\n${HOST_GOAL}`);
    expect(prompt).toContain('--- file: hosts/seed/configuration.nix ---');
    expect(prompt).toContain('autopoietic.identity.host = "seed-01";');
    expect(prompt).not.toContain(root);
  });

  it('an answer without a diff is an error attempt, with the reason', () => {
    const root = exampleGenome();
    const llm = scriptGenerator('chatty-llm', `process.stdout.write('I would rename the host, but I need more context.\\n');`);
    const r = runner(['evolve', '--root', root, '--memory-dir', memoryDir(), '--goal', HOST_GOAL, '--attempts', '1', '--generator', `node ${WRAPPER} -- ${llm}`]);
    expect(r.code).toBe(1);
    expect(r.json().attempts[0]).toMatchObject({ verdict: 'error', stage: 'generate' });
    expect(r.json().attempts[0].reason).toMatch(/^generator exited with status 3: llm-wrapper: \S*node answered without a diff block$/);
  });
});
