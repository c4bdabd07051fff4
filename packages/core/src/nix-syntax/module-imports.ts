import type { SyntaxNode } from './syntax-tree.js';
import { clip, importedFile, pathLiteral, stringLiteral, unparen } from './nodes.js';
import { resolveTyped, type Scope } from './scope.js';
import { fieldChild, fieldChildren } from './tree-source.js';
import { expansionOf } from './expansion.js';

/** One entry of `imports = [ … ]`. */
export interface NixImportRef {
  /** `import`: `import ./x.nix`, or `import ./x.nix args` (see importRef). */
  kind: 'path' | 'string' | 'import' | 'expression';
  /** Source text (`./a.nix`, `"${modulesPath}/x.nix"`, `inputs.hm.nixosModules.default`). */
  expr: string;
  /** For `path`/`string`/`import` kinds without interpolation: the path as written. */
  path?: string;
  dynamic: boolean;
  /** Set only for a module written inline in a host's list: the path is written through the flake's `self`, so relative to flake.nix's directory. */
  from_self?: true;
  /**
   * A dynamic import of a module file written through the `self` its function takes
   * (`"${self}/x.nix"`, `self + "/x.nix"`): the path relative to flake.nix's directory it names
   * when that `self` is the flake, as in a flake-parts module (markSelfImports, flake-files.ts).
   */
  self_path?: string;
  line: number;
  col: number;
}

/**
 * The elements of an `imports` list (`[ … ] ++ [ … ]`, let-bound lists and `with e; [ … ]` are followed). A part
 * that is not a list literal (`map (n: ./. + "/${n}") names`, `lib.optional c ./x.nix`) is one
 * dynamic entry: leaving it out made a module that computes its imports look as if it had none.
 */
export function importRefs(value: SyntaxNode, scope: Scope): NixImportRef[] {
  return listParts(value, scope).parts.map(importRef);
}

/** Like importRefs, with the node of each element and the scope it is written in (a module written in place is read further). */
export function importParts(value: SyntaxNode, scope: Scope): { ref: NixImportRef; node: SyntaxNode; scope: Scope }[] {
  const { parts, scopes } = listParts(value, scope);
  return parts.map((node, i) => ({ ref: importRef(node), node, scope: scopes[i]! }));
}

/** Elements of a list expression, following `++` and variables bound in scope. */
export function listElements(value: SyntaxNode, scope: Scope): SyntaxNode[] {
  return listElementsOf(value, scope).elements;
}

/**
 * Like listElements, with the scope each element is written in (`scopes`, in the same order: a
 * list bound in an outer `let` is read there); `complete` is false when part of the list is not
 * statically known.
 */
export function listElementsOf(value: SyntaxNode, scope: Scope): { elements: SyntaxNode[]; scopes: Scope[]; complete: boolean } {
  const { parts, scopes, unread } = listParts(value, scope);
  if (!unread.size) return { elements: parts, scopes, complete: true };
  const elements: SyntaxNode[] = [];
  const read: Scope[] = [];
  parts.forEach((p, i) => {
    if (unread.has(p)) return;
    elements.push(p);
    read.push(scopes[i]!);
  });
  return { elements, scopes: read, complete: false };
}

/** At most this many `++` deep. */
const MAX_JOINS = 16;

/**
 * The parts of a list value in order, each with the scope it is written in: the elements of each
 * list literal joined with `++`, and each part that is not one, as written (also in `unread`). A
 * list joined to itself (`l = l ++ [ … ]`, which Nix cannot evaluate) is read once, its reference
 * to itself being a part not read; the walk shares the tree's budget (see expansion.ts), past
 * which a part is not read either.
 */
function listParts(value: SyntaxNode, scope: Scope): { parts: SyntaxNode[]; scopes: Scope[]; unread: Set<SyntaxNode> } {
  const parts: SyntaxNode[] = [];
  const scopes: Scope[] = [];
  const unread = new Set<SyntaxNode>();
  const walk = expansionOf(value);
  const keep = (v: SyntaxNode, s: Scope): void => {
    parts.push(v);
    scopes.push(s);
    unread.add(v);
  };
  const visit = (v: SyntaxNode, vs: Scope, depth: number): void => {
    let { node: n, type, scope: s } = resolveTyped(v, vs);
    // `with inputs; [ … ]`: the list is the body (a name bound in a `let` still wins over `with`).
    for (let i = 0; i < MAX_JOINS && (type === 'with_expression' || type === 'assert_expression'); i++) {
      const body = fieldChild(n, 'body');
      if (!body) break;
      ({ node: n, type, scope: s } = resolveTyped(body, s));
    }
    const isJoin = type === 'binary_expression' && depth < MAX_JOINS && fieldChild(n, 'operator')?.text === '++';
    if ((type !== 'list_expression' && !isJoin) || !walk.enter(n)) {
      keep(v, vs);
      return;
    }
    try {
      if (type === 'list_expression') {
        const elements = fieldChildren(n, 'element');
        walk.spend(elements.length);
        for (const el of elements) {
          parts.push(el);
          scopes.push(s);
        }
        return;
      }
      const l = fieldChild(n, 'left');
      const r = fieldChild(n, 'right');
      if (l) visit(l, s, depth + 1);
      if (r) visit(r, s, depth + 1);
    } finally {
      walk.leave(n);
    }
  };
  visit(value, scope, 0);
  return { parts, scopes, unread };
}

/**
 * One element. `import ./x.nix` is x.nix's value, and `import ./x.nix args` what that value
 * returns for the arguments: a module when x.nix is one (or a function returning one), so the
 * element stands for x.nix, as it does in a host's `modules` list (flake-hosts.ts). Nix gives such
 * a value no file name of its own (its errors name the importing file); x.nix's own imports
 * still come with it, as the analysis reads a file through the functions around its value.
 */
function importRef(el: SyntaxNode): NixImportRef {
  const { node: n, type } = unparen(el);
  const at = { line: n.startPosition.row + 1, col: n.startPosition.column + 1 };
  const p = pathLiteral(n, type);
  // pathLiteral reads the text of `n` itself (its type is known, so nothing is unwrapped).
  if (p) return { kind: 'path', expr: p.text, ...(p.dynamic ? {} : { path: p.text }), dynamic: p.dynamic, ...at };
  if (type === 'string_expression' || type === 'indented_string_expression') {
    const text = n.text;
    const s = stringLiteral(n, type, text);
    return { kind: 'string', expr: clip(text, 500), ...(s === undefined ? {} : { path: s }), dynamic: s === undefined, ...at };
  }
  const imported = type === 'apply_expression' ? importedFile(n, type) : undefined;
  if (imported) return { kind: 'import', expr: clip(n.text, 500), path: imported, dynamic: false, ...at };
  return { kind: 'expression', expr: clip(n.text, 500), dynamic: true, ...at };
}
