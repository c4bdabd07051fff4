import { describe, expect, it } from 'vitest';
import { LEDGERS } from '@autopoietic/core/schemas';
import { buildProgram } from '../program.js';

/** Help texts that name the ledger kinds by hand (to keep --help free of zod) must name them all. */
describe('help texts', () => {
  it('name every ledger kind', () => {
    const program = buildProgram();
    const texts = [
      program.commands.find((c) => c.name() === 'list')!.helpInformation(),
      ...program.commands.find((c) => c.name() === 'ledger')!.commands.map((c) => c.helpInformation()),
    ];
    for (const text of texts) for (const kind of Object.keys(LEDGERS)) expect(text.replace(/\s+/g, ' ')).toContain(kind);
  });
});
