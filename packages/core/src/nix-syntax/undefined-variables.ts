import type { SyntaxDiagnostic } from './diagnostics.js';
import { attrEntries } from './entries.js';
import { SyntaxNode, type SyntaxTree } from './syntax-tree.js';
import { FLAG_NAMED, NO_NODE, NODE_WORDS, W_END, W_META, W_PARENT, W_START } from './tree-dump.js';
import { fieldChild, fieldChildren } from './tree-source.js';
import { attrName } from './nodes.js';
import { typeKinds } from './type-kinds.js';

/**
 * Variables no scope binds: Nix rejects the file when it parses it (`undefined variable 'x'`), and
 * nix-instantiate --parse with it, although the tree-sitter grammar has nothing to say. A file with
 * a typo in a name read as "ok" until evaluation.
 *
 * Nix binds a name with `let`, a `rec` set (and the old `let { … }`), and a function's argument
 * (`x:`, `{ a, b ? … }:`, `args@{ … }:`); inside the body of `with e;` any name may come from `e`,
 * so nothing there is reported. `inherit x;` reads `x` where its set is written: in a `let` or a
 * `rec` set, from the binders outside it (Nix's `let inherit x; in` is the outer `x`). Every file also sees Nix's global names (GLOBALS). A name is
 * reported only when no enclosing node could bind it, so what this cannot tell (a name in a
 * dynamic binding, `${n} = …;`) is never reported; os-introspect asks nix-instantiate to confirm
 * each error when Nix is there.
 *
 * One pass over the tree in order, keeping the binders around the node at hand; the names a binder
 * binds are read once, when a variable first looks past the binders inside it.
 */
export function undefinedVariables(root: SyntaxNode): SyntaxDiagnostic[] {
  const tree = root.tree;
  const kinds = typeKinds(tree.names.types, KIND_OF_TYPE);
  const nodes = tree.nodes;
  const bodyField = tree.fieldIdForName('body');
  const out: SyntaxDiagnostic[] = [];
  // The binders around the node at hand, innermost last: each with the index its subtree ends at
  // and its names (read when a variable first needs them; null: any name, for the body of a `with`).
  const ends: number[] = [];
  const binders: number[] = [];
  const names: (ReadonlySet<string> | null | undefined)[] = [];
  // The bodies of the `with`s met so far: each becomes a binder of every name where it starts.
  const withBodies = new Set<number>();
  const stop = tree.subtreeEnd(root.index);
  for (let i = root.index, w = i * NODE_WORDS; i < stop; i++, w += NODE_WORDS) {
    while (ends.length > 0 && i >= ends[ends.length - 1]!) {
      ends.pop();
      binders.pop();
      names.pop();
    }
    if (withBodies.size > 0 && withBodies.delete(i)) {
      ends.push(tree.subtreeEnd(i));
      binders.push(i);
      names.push(null);
    }
    const kind = kinds[nodes[w + W_META]! & 0xffff];
    if (!kind) continue; // 0, or past the table (ERROR: no binder, no variable)
    if (kind === VARIABLE) {
      const name = tree.text.slice(nodes[w + W_START]!, nodes[w + W_END]!);
      if (!alwaysBound(name) && !isBound(tree, name, binders, names)) {
        const at = tree.positionAt(nodes[w + W_START]!);
        out.push({ line: at.row + 1, col: at.column + 1, message: `undefined variable '${name}': no let, rec set, function argument or with binds it here` });
      }
    } else if (kind === INHERIT) {
      // The keyword token has the same type name: only the named node is the binding.
      if (((nodes[w + W_META]! >>> 16) & FLAG_NAMED) === 0) continue;
      const set = nodes[i * NODE_WORDS + W_PARENT]!;
      const owner = set === NO_NODE ? NO_NODE : nodes[set * NODE_WORDS + W_PARENT]!;
      const ownerScopes = owner !== NO_NODE && kinds[nodes[owner * NODE_WORDS + W_META]! & 0xffff] === BINDING_SCOPE;
      // A let or rec set is the innermost binder around its own members; it is not looked in.
      if (ownerScopes && binders[binders.length - 1] !== owner) continue;
      const outside = ownerScopes ? binders.length - 1 : binders.length;
      const attrs = fieldChild(new SyntaxNode(tree, i), 'attrs');
      for (const a of attrs ? fieldChildren(attrs, 'attr') : []) {
        const r = attrName(a);
        if (!r.dynamic && !alwaysBound(r.name) && !isBound(tree, r.name, binders, names, outside)) {
          const at = a.startPosition;
          out.push({ line: at.row + 1, col: at.column + 1, message: `undefined variable '${r.name}': \`inherit ${r.name};\` takes it from outside the set, and nothing there binds it` });
        }
      }
    } else if (kind === WITH) {
      // Only its body may take names from the set (not the set's own expression): the child on field `body`.
      for (let c = i + 1, end = tree.subtreeEnd(i); c < end; c = tree.subtreeEnd(c)) {
        if (nodes[c * NODE_WORDS + W_META]! >>> 20 === bodyField) withBodies.add(c);
      }
    } else {
      ends.push(tree.subtreeEnd(i));
      binders.push(i);
      names.push(undefined);
    }
  }
  return out;
}

/**
 * Names every Nix file sees without binding them: the constants and the builtins Nix exposes
 * without `builtins.` (nix-instantiate 2.8 accepts each; `break` since 2.9). Any `__` name is taken
 * too (the other builtins, `__curPos`): a name missing here is at worst an error not reported.
 */
const GLOBALS: ReadonlySet<string> = new Set([
  'abort',
  'baseNameOf',
  'break',
  'builtins',
  'derivation',
  'derivationStrict',
  'dirOf',
  'false',
  'fetchGit',
  'fetchMercurial',
  'fetchTarball',
  'fetchTree',
  'fromTOML',
  'import',
  'isNull',
  'map',
  'null',
  'placeholder',
  'removeAttrs',
  'scopedImport',
  'throw',
  'toString',
  'true',
]);

/** A name no file has to bind: Nix's own, or `or` (nixOnlyErrors' to judge: a keyword Nix takes as a name in one place only). */
function alwaysBound(name: string): boolean {
  return GLOBALS.has(name) || name.startsWith('__') || name === 'or';
}

const VARIABLE = 1;
/** Binds the names of its bindings in all of itself: `let`, `rec { }`, `let { }`. */
const BINDING_SCOPE = 2;
const FUNCTION = 3;
const WITH = 4;
const INHERIT = 5;

const KIND_OF_TYPE: Readonly<Record<string, number>> = {
  variable_expression: VARIABLE,
  let_expression: BINDING_SCOPE,
  rec_attrset_expression: BINDING_SCOPE,
  let_attrset_expression: BINDING_SCOPE,
  function_expression: FUNCTION,
  with_expression: WITH,
  inherit: INHERIT,
};

/**
 * Whether one of the binders around a variable binds `name`, or may (a `with` body, a dynamic
 * binding: null); only the outermost `count` of them (all by default).
 */
function isBound(tree: SyntaxTree, name: string, binders: readonly number[], names: (ReadonlySet<string> | null | undefined)[], count = binders.length): boolean {
  for (let k = count - 1; k >= 0; k--) {
    let bound = names[k];
    if (bound === undefined) {
      const node = new SyntaxNode(tree, binders[k]!);
      bound = namesBoundBy(node, KIND_OF_TYPE[node.type]!);
      names[k] = bound;
    }
    if (bound === null || bound.has(name)) return true;
  }
  return false;
}

/** The names a `let`, `rec` set or function binds; null when one of them is dynamic (`${n} = …;`). */
function namesBoundBy(node: SyntaxNode, kind: number): ReadonlySet<string> | null {
  const names = new Set<string>();
  if (kind === FUNCTION) {
    const universal = node.childForFieldName('universal');
    if (universal) names.add(universal.text);
    const formals = node.childForFieldName('formals');
    for (const f of formals?.childrenForFieldName('formal') ?? []) {
      const n = f.childForFieldName('name');
      if (n) names.add(n.text);
    }
    return names;
  }
  for (const e of attrEntries(node, node.type)) {
    if (e.dynamic || e.path[0] === undefined) return null;
    names.add(e.path[0]);
  }
  return names;
}
