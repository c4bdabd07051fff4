import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { HELP } from './help.js';

function program(): Command {
  const p = new Command('tool').configureHelp(HELP);
  p.command('run')
    .requiredOption('--goal <text>', 'what the run is for')
    .option('--phase <phase>', 'which phase', 'P1')
    .option('--quiet', 'say less');
  return p;
}

describe('HELP', () => {
  it("marks required options in a subcommand's help, and only them", () => {
    const help = program().commands[0]!.helpInformation();
    expect(help).toMatch(/--goal <text>\s+what the run is for \(required\)\n/);
    expect(help).toMatch(/--phase <phase>\s+which phase \(default: "P1"\)\n/);
    expect(help).toMatch(/--quiet\s+say less\n/);
    expect(help.match(/\(required\)/g)).toHaveLength(1);
  });

  it('is what commander prints without it, apart from the mark', () => {
    const plain = new Command('tool');
    plain.command('run').requiredOption('--goal <text>', 'what the run is for').option('--phase <phase>', 'which phase', 'P1').option('--quiet', 'say less');
    expect(program().commands[0]!.helpInformation().replace(' (required)', '')).toBe(plain.commands[0]!.helpInformation());
  });
});
