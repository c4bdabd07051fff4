import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';

function journal(args: string[]) {
  return runCli('mutation-journal', args, { env: { AUTOPOIETIC_LOG_LEVEL: 'silent' } });
}

describe('a flag that takes one value, given twice', () => {
  it('is a usage error naming both values, not a silent choice of the last', () => {
    const mem = tempDir();
    const a = join(mem, 'a.jsonl');
    // `ledger verify --path a --path b` verified only b and exited 0.
    const verify = journal(['ledger', 'verify', '--path', a, '--path', join(mem, 'b.jsonl')]);
    expect(verify.code).toBe(2);
    expect(verify.stdout).toBe('');
    expect(verify.stderr).toContain(`error[flag-repeated]: --path was given twice (${JSON.stringify(a)}, then `);

    const append = journal(['append', '--memory-dir', mem, '--goal', 'x', '--goal', 'y', '--phase', 'P0']);
    expect(append.code).toBe(2);
    expect(append.stderr).toContain('error[flag-repeated]: --goal was given twice ("x", then "y"); it takes one value\nhint: Pass --goal once.');
    expect(journal(['organ', 'add', '--memory-dir', mem, '--name', 'a', '--name', 'b', '--type', 'cli', '--source', 's', '--purpose', 'p']).code).toBe(2);
    expect(journal(['list', 'mutations', '--memory-dir', mem]).json()).toEqual([]);
  });

  it('is a usage error for a flag with a list of choices too, which kept the last (append --status failed --status accepted journaled accepted)', () => {
    const mem = tempDir();
    const runs = [
      journal(['append', '--memory-dir', mem, '--goal', 'g', '--phase', 'P0', '--status', 'failed', '--status', 'accepted']),
      journal(['effect', '--memory-dir', mem, '--mutation-id', 'm', '--type', 't', '--target', 'x', '--risk', 'high', '--risk', 'low']),
      journal(['generation', '--memory-dir', mem, '--generation', 'g', '--mutation-id', 'm', '--goal', 'g', '--lineage-status', 'planned', '--lineage-status', 'installed']),
      journal(['list', 'mutations', '--memory-dir', mem, '--format', 'table', '--format', 'json']),
    ];
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error\[flag-repeated\]: --(status|risk|lineage-status|format) was given twice \("\w+", then "\w+"\); it takes one value\n/);
    }
    expect(readdirSync(mem)).toEqual([]); // nothing appended
    // The choices are still checked, and a single value still overrides the default.
    expect(journal(['append', '--memory-dir', mem, '--goal', 'g', '--phase', 'P0', '--status', 'bogus']).stderr).toContain("argument 'bogus' is invalid. Allowed choices are pending, accepted, failed, reverted.");
    expect(journal(['append', '--memory-dir', mem, '--goal', 'g', '--phase', 'P0', '--status', 'failed']).json().status).toBe('failed');
  });

  it('leaves repeatable flags and repeated switches alone', () => {
    const mem = tempDir();
    const r = journal(['append', '--memory-dir', mem, '--goal', 'g', '--phase', 'P0', '--metadata', 'a=1', '--metadata', 'b=2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().metadata).toEqual({ a: '1', b: '2' });
    const organ = journal(['organ', 'add', '--memory-dir', mem, '--name', 'o', '--type', 'cli', '--source', 's', '--purpose', 'p', '--related-goal', 'x', '--related-goal', 'y']);
    expect(organ.json().related_goals).toEqual(['x', 'y']);
    expect(journal(['ledger', 'verify', '--memory-dir', mem, '--all', '--all']).code).toBe(0);
    expect(readFileSync(join(mem, 'mutations.jsonl'), 'utf8').split('\n')).toHaveLength(2);
  });
});

describe('AUTOPOIETIC_LOCK_TIMEOUT_MS that is not a whole number of milliseconds', () => {
  it('is a usage error naming the variable in every CLI, before any command runs (it fell back to 10 s)', () => {
    const mem = tempDir();
    const env = { AUTOPOIETIC_LOCK_TIMEOUT_MS: '10s' };
    const runs = [
      runCli('mutation-journal', ['append', '--memory-dir', mem, '--goal', 'g', '--phase', 'p'], { env }),
      runCli('mutation-runner', ['handoff', '--memory-dir', mem], { env }),
      runCli('os-introspect', ['--memory-dir', mem], { env }),
    ];
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('error[env-invalid]: AUTOPOIETIC_LOCK_TIMEOUT_MS="10s" is not a lock timeout: it must be a whole number of milliseconds from 0 to 2147483647');
    }
    expect(readdirSync(mem)).toEqual([]); // nothing appended
  });
});

describe('a command group run without its subcommand', () => {
  it('is a usage error (exit 2) with the group help on stderr; asking for help still exits 0', () => {
    // `mutation-journal organ "$SUB"` with SUB unset printed the help and exited 0, as if it had worked.
    for (const args of [[], ['organ'], ['ledger'], ['evidence']]) {
      const r = runCli('mutation-journal', args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`Usage: mutation-journal${args.map((a) => ` ${a}`).join('')} [options] [command]`);
    }
    for (const args of [['help'], ['help', 'organ'], ['organ', 'help'], ['organ', '--help']]) expect(runCli('mutation-journal', args).code, args.join(' ')).toBe(0);
  });
});
