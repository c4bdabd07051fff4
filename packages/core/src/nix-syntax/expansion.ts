import type { SyntaxNode, SyntaxTree } from './syntax-tree.js';
import { treeSource } from './tree-source.js';

/**
 * Guards the readers that follow names bound in scope into what they name (settings, options,
 * lists joined with `++`). A name may name the value it sits in (`a = { x = a; }`,
 * `l = l ++ [ ./x.nix ]`): Nix evaluates that lazily, a reader that walks everything follows it
 * forever. And values may name each other twice over (`a = { x = b; y = b; }; b = { x = c; … }`),
 * which doubles the walk per name: a 60-byte file walked for minutes. So a walk enters no value
 * it is already inside (a cycle), and all walks of one tree share a budget of steps, one per
 * value entered and per member read, that what is written out never spends (each member is
 * read once per reader, and a member takes at least a byte); only values read again and again
 * through names do. A value not entered is reported as it is written (its source text).
 */
export class Expansion {
  private readonly open = new Set<number>();

  constructor(private readonly budget: { left: number }) {}

  /** Enters `node` unless it is already entered on this walk or the tree's budget is spent. */
  enter(node: SyntaxNode): boolean {
    if (this.budget.left <= 0 || this.open.has(node.id)) return false;
    this.budget.left--;
    this.open.add(node.id);
    return true;
  }

  leave(node: SyntaxNode): void {
    this.open.delete(node.id);
  }

  /** Spends `n` steps (the members of a value entered). */
  spend(n: number): void {
    this.budget.left -= n;
  }
}

/** Steps per byte of source: every reader (module, flake, each host's inline modules) reads it once. */
const STEPS_PER_BYTE = 4;
const BASE_STEPS = 10_000;
const budgets = new WeakMap<SyntaxTree, { left: number }>();

/** A new walk over the tree `node` belongs to, sharing the tree's budget. */
export function expansionOf(node: SyntaxNode): Expansion {
  const tree = node.tree;
  let budget = budgets.get(tree);
  if (!budget) {
    budget = { left: treeSource(node).text.length * STEPS_PER_BYTE + BASE_STEPS };
    budgets.set(tree, budget);
  }
  return new Expansion(budget);
}
