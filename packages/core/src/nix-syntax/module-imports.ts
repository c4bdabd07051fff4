import type { Node } from 'web-tree-sitter';
import { clip, pathLiteral, stringLiteral, unparen } from './nodes.js';
import { resolveTyped, type Scope } from './scope.js';
import { fieldChild, fieldChildren } from './tree-source.js';

/** One entry of `imports = [ … ]`. */
export interface NixImportRef {
  kind: 'path' | 'string' | 'expression';
  /** Source text (`./a.nix`, `"${modulesPath}/x.nix"`, `inputs.hm.nixosModules.default`). */
  expr: string;
  /** For `path`/`string` kinds without interpolation: the path as written. */
  path?: string;
  dynamic: boolean;
  line: number;
  col: number;
}

/**
 * The elements of an `imports` list (`[ … ] ++ [ … ]` and let-bound lists are followed). A part
 * that is not a list literal (`map (n: ./. + "/${n}") names`, `lib.optional c ./x.nix`) is one
 * dynamic entry: leaving it out made a module that computes its imports look as if it had none.
 */
export function importRefs(value: Node, scope: Scope): NixImportRef[] {
  return importParts(value, scope, 0).map(importRef);
}

/** Like listElementsOf, but a part it cannot read is kept as itself (the node as written). */
function importParts(value: Node, scope: Scope, depth: number): Node[] {
  const { node: n, type } = resolveTyped(value, scope);
  if (type === 'list_expression') return fieldChildren(n, 'element');
  if (type === 'binary_expression' && fieldChild(n, 'operator')?.text === '++' && depth < 16) {
    const l = fieldChild(n, 'left');
    const r = fieldChild(n, 'right');
    return [...(l ? importParts(l, scope, depth + 1) : []), ...(r ? importParts(r, scope, depth + 1) : [])];
  }
  return [value];
}

/** Elements of a list expression, following `++` and variables bound in scope. */
export function listElements(value: Node, scope: Scope): Node[] {
  return listElementsOf(value, scope).elements;
}

/** Like listElements; `complete` is false when part of the list is not statically known. */
export function listElementsOf(value: Node, scope: Scope, depth = 0): { elements: Node[]; complete: boolean } {
  const { node: n, type } = resolveTyped(value, scope);
  if (type === 'list_expression') return { elements: fieldChildren(n, 'element'), complete: true };
  if (type === 'binary_expression' && fieldChild(n, 'operator')?.text === '++' && depth < 16) {
    const l = fieldChild(n, 'left');
    const r = fieldChild(n, 'right');
    const x = l ? listElementsOf(l, scope, depth + 1) : { elements: [], complete: false };
    const y = r ? listElementsOf(r, scope, depth + 1) : { elements: [], complete: false };
    return { elements: [...x.elements, ...y.elements], complete: x.complete && y.complete };
  }
  return { elements: [], complete: false };
}

function importRef(el: Node): NixImportRef {
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
  return { kind: 'expression', expr: clip(n.text, 500), dynamic: true, ...at };
}
