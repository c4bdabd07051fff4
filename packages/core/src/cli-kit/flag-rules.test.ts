import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { runProgram } from './action.js';
import { refuseBlankPlaces } from './blank-places.js';

function command(): Command {
  return new Command('go')
    .option('--proposal <file>', 'a file')
    .option('--root <dir>', 'a directory')
    .option('--project-root <dir...>', 'directories')
    .option('--builders <spec>', 'not a place: empty is meaningful')
    .option('--target-root <abs-path>', 'an absolute path');
}

/** The command run through runProgram (stderr is fd 2, not captured): what its action saw, the exit code. */
async function run(args: string[]): Promise<{ ran: Record<string, unknown> | undefined; code: number | undefined }> {
  let ran: Record<string, unknown> | undefined;
  const program = new Command('tool').addCommand(
    command().action((opts: Record<string, unknown>) => {
      ran = opts;
    }),
  );
  process.exitCode = undefined;
  await runProgram(program, ['node', 'tool', 'go', ...args]);
  const code = process.exitCode as number | undefined;
  process.exitCode = undefined;
  return { ran, code };
}

/** The error refuseBlankPlaces throws for these arguments, if any. */
function refusal(args: string[]): unknown {
  const cmd = command().exitOverride();
  cmd.parse(args, { from: 'user' });
  try {
    refuseBlankPlaces(cmd);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('flags naming a place refuse an empty or blank value', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it.each([
    [['--proposal', ''], '--proposal must not be empty'],
    [['--root', '  '], '--root must not be empty'],
    [['--project-root', 'a', '--project-root', ''], '--project-root must not be empty'],
  ])('%j: usage error before the action runs', async (args, message) => {
    const r = await run(args);
    expect(r.ran).toBeUndefined();
    expect(r.code).toBe(2);
    expect(refusal(args)).toMatchObject({ code: 'flag-blank', exit: 2, message, hint: expect.stringMatching(/^Give --[a-z-]+ a path/) });
  });

  it('refuses an empty <abs-path> too, and tells a required flag to be given a path (it has no default)', () => {
    expect(refusal(['--target-root', ''])).toMatchObject({ code: 'flag-blank', message: '--target-root must not be empty' });
    const cmd = new Command('go').exitOverride().requiredOption('--plan <file>', 'required');
    cmd.parse(['--plan', ''], { from: 'user' });
    expect(() => refuseBlankPlaces(cmd)).toThrow(expect.objectContaining({ hint: 'Give --plan a path.' }));
  });

  it('leaves other flags and real paths alone', async () => {
    const r = await run(['--proposal', 'p.json', '--builders', '', '--project-root', 'a']);
    expect(r.code).toBeUndefined();
    expect(r.ran).toEqual({ proposal: 'p.json', builders: '', projectRoot: ['a'] });
    expect(refusal(['--builders', ''])).toBeUndefined();
  });
});

describe('a flag that takes one value, given twice', () => {
  it('is a usage error before the action runs; a default, a switch and a variadic flag are not repeats', async () => {
    const program = () => {
      let ran: Record<string, unknown> | undefined;
      const p = new Command('tool').addCommand(
        command()
          .option('--format <f>', 'with a default', 'json')
          .option('--quiet', 'a switch')
          .action((opts: Record<string, unknown>) => {
            ran = opts;
          }),
      );
      return { p, ran: () => ran };
    };
    const twice = program();
    process.exitCode = undefined;
    await runProgram(twice.p, ['node', 'tool', 'go', '--proposal', 'a.json', '--proposal', 'b.json']);
    expect([process.exitCode, twice.ran()]).toEqual([2, undefined]);
    const once = program();
    process.exitCode = undefined;
    await runProgram(once.p, ['node', 'tool', 'go', '--proposal', 'a.json', '--format', 'text', '--quiet', '--quiet', '--project-root', 'x', '--project-root', 'y']);
    expect(process.exitCode).toBeUndefined();
    expect(once.ran()).toMatchObject({ proposal: 'a.json', format: 'text', quiet: true, projectRoot: ['x', 'y'] });
    process.exitCode = undefined;
  });
});
