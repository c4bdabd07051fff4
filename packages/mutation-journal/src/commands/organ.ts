import type { Command } from 'commander';
import { registerOrganAdd } from './organ-add.js';
import { registerOrganList } from './organ-list.js';
import { registerOrganRetire } from './organ-retire.js';
import { registerOrganReview } from './organ-review.js';
import { registerOrganSuggest } from './organ-suggest.js';
import { registerOrganUpdate } from './organ-update.js';

/** `organ`: the P4 organ registry (docs/organs.md). */
export function registerOrgan(program: Command): void {
  const organ = program
    .command('organ')
    .description('P4 organ registry: register, update and retire organs; advisory decay review and suggestions');
  registerOrganAdd(organ);
  registerOrganUpdate(organ);
  registerOrganRetire(organ);
  registerOrganList(organ);
  registerOrganReview(organ);
  registerOrganSuggest(organ);
}
