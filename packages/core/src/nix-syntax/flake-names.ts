import type { SyntaxNode } from './syntax-tree.js';
import { callOf, stringLiteral } from './nodes.js';
import { listElementsOf } from './module-imports.js';
import { attrEntries, entryValue, isAttrset, resolveTyped, unwrapBody, type Scope } from './scope.js';
import { fieldChild, fieldChildren } from './tree-source.js';

/**
 * Named outputs written as a call rather than an attrset (`nixosConfigurations = …`), as far as the
 * source names them: `genAttrs [ "a" ] f` and `mapAttrs f { a = …; }` name their hosts, each being
 * `f` applied to its name (and, for mapAttrs, its value); `import ./hosts { … }` names a file whose
 * value the caller reads; `readDir ./hosts` names a directory whose entries only evaluation lists.
 */
export interface GeneratedNames {
  fn: SyntaxNode;
  scope: Scope;
  /**
   * `node` is the name's string (genAttrs) or the attribute's name (mapAttrs); `args` what `fn` is
   * applied to, each written in the scope of the same index of `scopes`.
   */
  names: { name: string; node: SyntaxNode; args: SyntaxNode[]; scopes: Scope[] }[];
}

/** `lib.genAttrs [ "a" "b" ] f` or `lib.mapAttrs f { a = …; b = …; }` (list/attrset written out or bound in scope). */
export function generatedNames(n: SyntaxNode, scope: Scope): GeneratedNames | undefined {
  const call = callOf(n);
  if (call?.args.length !== 2) return undefined;
  if (call.name === 'genAttrs') return genAttrsNames(call.args[0]!, call.args[1]!, scope);
  if (call.name === 'mapAttrs') return mapAttrsNames(call.args[0]!, call.args[1]!, scope);
  return undefined;
}

/** Every element a string literal (anything else, `attrNames (readDir ./hosts)`, is computed). */
function genAttrsNames(listArg: SyntaxNode, fn: SyntaxNode, scope: Scope): GeneratedNames | undefined {
  const list = listElementsOf(listArg, scope);
  if (!list.complete) return undefined;
  const names: GeneratedNames['names'] = [];
  for (let i = 0; i < list.elements.length; i++) {
    const { node, scope: at } = resolveTyped(list.elements[i]!, list.scopes[i]!);
    const name = stringLiteral(node);
    if (name === undefined) return undefined;
    names.push({ name, node, args: [node], scopes: [at] });
  }
  return { fn, scope, names };
}

/**
 * `mapAttrs (name: cfg: …) { a = { system = …; }; inherit b; inherit (defs) c; }`: every entry
 * one static name (a nested `a.system = …` or a `${…}` name leaves the set computed). The name
 * parameter stands for the attribute's name node, which literalValue reads as the name; an
 * inherited value is what inheritedValue reads, else the function is applied to the name alone.
 */
function mapAttrsNames(fn: SyntaxNode, setArg: SyntaxNode, scope: Scope): GeneratedNames | undefined {
  const u = unwrapBody(setArg, scope);
  const set = resolveTyped(u.node, u.scope);
  if (!isAttrset(set.node, set.type)) return undefined;
  const names: GeneratedNames['names'] = [];
  for (const e of attrEntries(set.node, set.type)) {
    const name = e.path[0];
    if (e.dynamic || e.path.length !== 1 || name === undefined) return undefined;
    const node = nameNode(e.node, name);
    const value = entryValue(e, set.scope);
    if (!node) return undefined;
    names.push({ name, node, args: value ? [node, value.node] : [node], scopes: value ? [set.scope, value.scope] : [set.scope] });
  }
  return { fn, scope, names };
}

/** The attribute (identifier or string) naming `name` in a binding or an `inherit`. */
function nameNode(binding: SyntaxNode, name: string): SyntaxNode | undefined {
  const ap = fieldChild(binding, 'attrpath');
  if (ap) return fieldChildren(ap, 'attr')[0];
  return binding.descendantsOfType(['identifier', 'string_expression']).find((d) => d.text === name || stringLiteral(d) === name);
}

/** `readDir ./machines` somewhere in a computed value (`mapAttrs f (readDir ./hosts)`): the directory as written. */
const READ_DIR = /\breadDir\s+(\.{1,2}(?:\/[A-Za-z0-9._+-]+)*\/?)(?=[\s;)]|$)/;

export function readDirOf(text: string): string | undefined {
  const m = READ_DIR.exec(text);
  return m ? m[1]!.replace(/\/$/, '') || '.' : undefined;
}
