import { firstChildOf, SyntaxNode, type SyntaxTree } from './syntax-tree.js';
import { NO_NODE, NODE_WORDS, W_META, W_NEXT, W_PARENT } from './tree-dump.js';

/** The part of web-tree-sitter's TreeCursor the analysis and its tests use. */
export class SyntaxCursor {
  private readonly tree: SyntaxTree;
  private root: number;
  private at: number;

  constructor(node: SyntaxNode) {
    this.tree = node.tree;
    this.root = node.index;
    this.at = node.index;
  }

  get currentNode(): SyntaxNode {
    return new SyntaxNode(this.tree, this.at);
  }

  get currentFieldId(): number {
    return this.at === this.root ? 0 : this.tree.nodes[this.at * NODE_WORDS + W_META]! >>> 20;
  }

  get currentFieldName(): string | null {
    return this.tree.names.fields[this.currentFieldId] ?? null;
  }

  gotoFirstChild(): boolean {
    const first = firstChildOf(this.tree, this.at);
    if (first === NO_NODE) return false;
    this.at = first;
    return true;
  }

  gotoNextSibling(): boolean {
    if (this.at === this.root) return false;
    const next = this.tree.nodes[this.at * NODE_WORDS + W_NEXT]!;
    if (next === NO_NODE) return false;
    this.at = next;
    return true;
  }

  gotoParent(): boolean {
    if (this.at === this.root) return false;
    this.at = this.tree.nodes[this.at * NODE_WORDS + W_PARENT]!;
    return true;
  }

  reset(node: SyntaxNode): void {
    if (node.tree !== this.tree) throw new Error('a SyntaxCursor resets only to a node of its own tree');
    this.root = node.index;
    this.at = node.index;
  }

  /** Nothing to free (web-tree-sitter's cursor needs it; kept so that code written for it runs). */
  delete(): void {}
}
