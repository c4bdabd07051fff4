import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.js';
import { parseCliOptions } from './options.js';

/** argv -> what the command would observe with (commander + the option schema, no observation). */
function optionsFor(argv: string[]) {
  const program = buildProgram();
  program.exitOverride();
  let seen: Record<string, unknown> = {};
  program.action((raw: Record<string, unknown>) => {
    seen = raw;
  });
  program.parse(['node', 'os-introspect', ...argv]);
  return parseCliOptions(seen);
}

describe('os-introspect options', () => {
  it('has the reference defaults', () => {
    expect(optionsFor([])).toEqual({
      output: undefined,
      format: 'json',
      introspect: {
        root: undefined,
        memoryDir: undefined,
        etcDir: undefined,
        projectRoots: [],
        maxProjectFiles: 2000,
        journalLines: 0,
        includeShellHistory: undefined,
        shellHistoryLines: 200,
        eval: false,
        cache: true,
        jobs: 'auto',
      },
    });
  });

  it('maps every flag', () => {
    const o = optionsFor([
      '--root', 'g', '--output', 'o.json', '--project-root', 'a', '--project-root', 'b', '--max-project-files', '5',
      '--journal-lines', '7', '--include-shell-history', '--shell-history-lines', '9', '--eval', '--format', 'summary',
      '--etc-dir', 'e', '--memory-dir', 'm', '--no-cache', '--jobs', '3',
    ]);
    expect(o).toEqual({
      output: 'o.json',
      format: 'summary',
      introspect: {
        root: 'g', memoryDir: 'm', etcDir: 'e', projectRoots: ['a', 'b'], maxProjectFiles: 5, journalLines: 7,
        includeShellHistory: true, shellHistoryLines: 9, eval: true, cache: false, jobs: 3,
      },
    });
    expect(optionsFor(['--no-include-shell-history']).introspect.includeShellHistory).toBe(false);
  });

  it('rejects bad values as usage errors (exit 2)', () => {
    for (const argv of [['--format', 'yaml'], ['--jobs', '0'], ['--max-project-files', '0'], ['--journal-lines', 'x'], ['--memory-dir', ''], ['--project-root', 'a', '--project-root', '']]) {
      expect(() => optionsFor(argv)).toThrow(expect.objectContaining({ exit: 2, code: 'bad-option' }));
    }
  });
});
