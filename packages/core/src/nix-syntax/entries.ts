import type { SyntaxNode } from './syntax-tree.js';
import { AosError } from '../cli-kit/errors.js';
import { bindingHeadAt, lexedAttrset, lexedValue, type LexedBinding, type LexedValue } from './binding-source.js';
import { attrName, attrPath, staticAttrPathOfText } from './nodes.js';
import { fieldChild, fieldChildren, isCommentAt, sourceSlice, treeSource, type TreeSource } from './tree-source.js';

/** One entry of an attrset: a binding (`a.b = v;`) or one name of an `inherit`. */
export interface AttrEntry {
  path: string[];
  dynamic: boolean;
  /** The whole binding (or inherit) node. */
  node: SyntaxNode;
  /** The value expression; undefined for `inherit`. */
  value: SyntaxNode | undefined;
  /** For `inherit (src) x;` the source expression text. */
  inheritFrom?: string;
  /** For a name of an `inherit`, that name's own node (see entryAt). */
  name?: SyntaxNode;
}

/**
 * Where an entry is written, for its line: a binding's node, or an inherited name's own node (an
 * `inherit` may list its names on lines of their own, `inherit (pkgs)\n  git\n  vim;`).
 */
export function entryAt(e: AttrEntry): SyntaxNode {
  return e.name ?? e.node;
}

/**
 * An entry as the analysis reads it: a binding's value node is only fetched when `value` is read,
 * and `lexed` holds the value as the source alone shows it (see binding-source.ts), when it does.
 */
export interface SourceEntry extends AttrEntry {
  readonly lexed?: LexedValue | undefined;
}

/** A binding whose value node is fetched on first use (most values are read from the source). */
class Binding implements SourceEntry {
  private fetched: SyntaxNode | null | undefined;

  constructor(
    readonly path: string[],
    readonly dynamic: boolean,
    readonly node: SyntaxNode,
    readonly lexed?: LexedValue,
    fetched?: SyntaxNode | null,
  ) {
    this.fetched = fetched;
  }

  get value(): SyntaxNode | undefined {
    if (this.fetched === undefined) this.fetched = fieldChild(this.node, 'expression');
    return this.fetched ?? undefined;
  }
}

/**
 * A binding of an attrset read wholly from the source: neither its node nor its value node has
 * been fetched; either is fetched if asked for (few readers ask).
 */
class SourceBinding implements SourceEntry {
  readonly dynamic = false;
  readonly path: string[];
  readonly lexed: LexedValue;
  private fetchedNode: SyntaxNode | undefined;
  private fetchedValue: SyntaxNode | null | undefined;

  constructor(
    private readonly attrset: SyntaxNode,
    read: LexedBinding,
  ) {
    this.path = read.path;
    this.lexed = read.value;
  }

  get node(): SyntaxNode {
    this.fetchedNode ??= bindingAt(this.attrset, this.lexed.bindingStart, this.lexed.bindingEnd);
    return this.fetchedNode;
  }

  get value(): SyntaxNode | undefined {
    if (this.fetchedValue === undefined) this.fetchedValue = fieldChild(this.node, 'expression');
    return this.fetchedValue ?? undefined;
  }
}

/** The binding node of an attrset that spans exactly `start`..`end`. */
function bindingAt(attrset: SyntaxNode, start: number, end: number): SyntaxNode {
  // The smallest node spanning a binding's whole range is the binding: its children are smaller.
  const found = attrset.descendantForIndex(start, end);
  if (found && found.startIndex === start && found.endIndex === end && found.type === 'binding') return found;
  for (const b of bindingSet(attrset)?.namedChildren ?? []) if (b.startIndex === start) return b;
  throw new AosError('nix-analysis-bug', `no binding at offset ${start} of the attrset read from the source`, { hint: 'Report this as a bug.' });
}

/** Node types whose only named children are an optional binding_set and comments. */
const BINDING_SET_HOLDERS = new Set(['attrset_expression', 'rec_attrset_expression', 'let_attrset_expression']);

/**
 * The binding_set child of an attrset or let expression. `knownType` is the node's type when the
 * caller has already read it: an attrset of a clean tree holds nothing named but its binding_set
 * and comments, so its first named child that is not a comment is the binding_set.
 */
export function bindingSet(node: SyntaxNode, knownType?: string): SyntaxNode | undefined {
  const src = treeSource(node);
  if (src.clean && knownType !== undefined && BINDING_SET_HOLDERS.has(knownType)) {
    const first = node.namedChild(0);
    if (!first || !isCommentAt(src, first)) return first ?? undefined;
  }
  for (const c of node.namedChildren) {
    // In a clean tree the comments are known by their first character: no type read for them.
    if (src.clean && isCommentAt(src, c)) continue;
    if (c.type === 'binding_set') return c;
  }
  return undefined;
}

/** The entries of an attrset (or let) expression, in source order (`knownType`: see bindingSet). */
export function attrEntries(attrset: SyntaxNode, knownType?: string): SourceEntry[] {
  const src = treeSource(attrset);
  const out: SourceEntry[] = [];
  // The leading bindings read from the source; the node reading takes the members from `rest` on.
  let rest = 0;
  if (src.clean && knownType === 'attrset_expression') {
    const read = lexedAttrset(src, attrset, attrset.endIndex);
    if (read) {
      for (const r of read.bindings) out.push(new SourceBinding(attrset, r));
      if (read.rest === undefined) return out;
      rest = read.rest;
    }
  }
  const set = bindingSet(attrset, knownType);
  if (!set) return out;
  for (const b of set.namedChildren) {
    if (b.startIndex < rest) continue;
    const kind = src.clean ? memberKind(src, b) : b.type;
    if (kind === 'comment') continue;
    if (kind === 'binding') {
      const e = src.clean ? cleanBinding(src, b) : nodeBinding(b);
      if (e) out.push(e);
    } else if (kind === 'inherit' || kind === 'inherit_from') {
      inheritEntries(b, kind, out);
    }
  }
  return out;
}

/**
 * What a member of a clean tree's binding_set is, from its first characters where they decide:
 * the grammar allows only bindings, `inherit …;`, `inherit (…) …;` and comments there. A binding
 * starts with its attribute path (an identifier, `"` or `${`); an inherit starts with the keyword
 * `inherit`, which an identifier such as `inherit-x` continues with a name character. Inherits
 * (which come as two node types) are told apart by their node type.
 */
function memberKind(src: TreeSource, member: SyntaxNode): string {
  if (isCommentAt(src, member)) return 'comment';
  const at = member.startIndex - src.base;
  return src.text.startsWith('inherit', at) && !NAME_CHAR.test(src.text.charAt(at + 7)) ? member.type : 'binding';
}

const NAME_CHAR = /^[A-Za-z0-9_'-]$/;
/** The end of a binding's head: `=` with the whitespace around it. */
const HEAD_END = /\s*=\s*$/;

/** A binding of a clean tree: its path, and often its value, read from the source. */
function cleanBinding(src: TreeSource, b: SyntaxNode): SourceEntry | undefined {
  const at = b.startIndex - src.base;
  const head = bindingHeadAt(src, at);
  if (head) return new Binding(head.path, false, b, lexedValue(src, at, head));
  // A head with spaces, comments or `${`: `attrpath extras = extras expression`, and a node starts
  // with its first child, so the source up to the value is the path, extras, `=`, extras. Cutting
  // the final `=` and the whitespace around it leaves the path's text exactly whenever
  // staticAttrPathOfText accepts what is left: a comment or an `=` left over would make it fail,
  // since after the path's last name it only accepts `.` or the end.
  const value = fieldChild(b, 'expression');
  if (value) {
    const path = staticAttrPathOfText(sourceSlice(src, b.startIndex, value.startIndex).replace(HEAD_END, ''));
    if (path) return new Binding(path, false, b, undefined, value);
  }
  return nodeBinding(b, value);
}

/** A binding read node by node (trees with syntax errors, dynamic names). */
function nodeBinding(b: SyntaxNode, value?: SyntaxNode | null): SourceEntry | undefined {
  const ap = fieldChild(b, 'attrpath');
  if (!ap) return undefined;
  const p = attrPath(ap);
  return new Binding(p.path, p.dynamic, b, undefined, value);
}

function inheritEntries(b: SyntaxNode, type: string, out: SourceEntry[]): void {
  const from = type === 'inherit_from' ? fieldChild(b, 'expression')?.text : undefined;
  const attrs = fieldChild(b, 'attrs');
  for (const a of attrs ? fieldChildren(attrs, 'attr') : []) {
    // `inherit "x";` names x (a dynamic name is a Nix error in inherit: its text stands).
    const name = attrName(a);
    out.push({ path: [name.name], dynamic: name.dynamic, node: b, name: a, value: undefined, ...(from === undefined ? {} : { inheritFrom: from }) });
  }
}
