import type { MutationProposal } from '@autopoietic/core/schemas';
import { relativePathProblem } from '../patch/rules.js';

/** Proposal-level rules beyond the schema (pure): changed_paths must be relative paths inside the genome. */
export function proposalProblem(p: MutationProposal): string | undefined {
  for (const path of p.changed_paths) {
    const problem = relativePathProblem(path);
    if (problem) return `changed_paths entry ${JSON.stringify(path)} ${problem}; it must be a relative path inside the genome`;
  }
  return undefined;
}
