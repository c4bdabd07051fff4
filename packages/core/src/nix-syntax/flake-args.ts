import type { SyntaxNode } from './syntax-tree.js';
import type { NixImportRef } from './module-imports.js';
import { dottedName, unparen } from './nodes.js';
import { isBound, type Scope } from './scope.js';

/**
 * What flake.nix's `outputs` function binds, read from its parameters: `{ self, nixpkgs, ... }@inputs:`
 * or `inputs:`. Nix calls it with the flake's inputs and `self`, the flake itself, whose source
 * (`"${self}"`, `self.outPath`) is the directory of flake.nix. This is the binding, not a convention:
 * in any other file `self` and `inputs` are whatever a caller passes (specialArgs), and nothing
 * there is read through them, except in a flake-parts module reached from flake.nix's mkFlake
 * imports, whose `self` and `inputs` flake-parts binds to the flake and its inputs (moduleArgs).
 */
export interface FlakeArgs {
  /** The formals that name inputs (every one but `self`). */
  inputs: ReadonlySet<string>;
  /** True when `self` is a formal. */
  self: boolean;
  /** The name of the whole argument set (`@inputs`, or `inputs:`), whose `.self` is the flake too. */
  all: string | undefined;
}

/** The parameters of the outputs function; undefined when `outputs` is not written as a function. */
export function flakeArgs(outputs: SyntaxNode): FlakeArgs | undefined {
  const fn = unparen(outputs);
  if (fn.type !== 'function_expression') return undefined;
  const inputs = new Set<string>();
  let self = false;
  const formals = fn.node.childForFieldName('formals');
  for (const f of formals?.childrenForFieldName('formal') ?? []) {
    const name = f.childForFieldName('name')?.text;
    if (name === 'self') self = true;
    else if (name !== undefined) inputs.add(name);
  }
  return { inputs, self, all: fn.node.childForFieldName('universal')?.text };
}

/**
 * What a module's function binds that names the flake in a flake-parts module: flake-parts passes
 * every module `self`, the flake (`inputs.self` of mkFlake's inputs), and `inputs`, its inputs
 * (`inputs.self` the flake too). What is read through them is used only for a module reached from
 * flake.nix's mkFlake imports (flake-files.ts): anywhere else they are whatever a caller passes.
 */
export function moduleArgs(top: SyntaxNode): FlakeArgs | undefined {
  const formals = flakeArgs(top);
  return formals && { inputs: new Set(), self: formals.self, all: formals.inputs.has('inputs') ? 'inputs' : undefined };
}

/**
 * Marks each of a module's imports written through the `self` its function takes
 * (`imports = [ "${self}/parts/x.nix" ]` or `self + "/parts/x.nix"` in `{ self, ... }: …`) with
 * the path it names relative to flake.nix's directory (NixImportRef.self_path). The import stays
 * dynamic: `self` is the flake only in a flake-parts module, which the assembly knows, not this
 * file. Only dynamic imports are looked at, and the formals read once, when there is one.
 */
export function markSelfImports(imports: NixImportRef[], top: SyntaxNode, scope: Scope): void {
  let args: FlakeArgs | undefined | null = null;
  for (const i of imports) {
    if (!i.dynamic || (i.kind !== 'string' && i.kind !== 'expression')) continue;
    if (args === null) args = moduleArgs(top);
    if (!args) return;
    const p = selfPath(i.expr, args, scope);
    if (p !== undefined && !p.includes('${')) i.self_path = p;
  }
}

/** True when `ref` (`self`, `inputs.self`) names the flake itself where `scope` is (no `let` or helper parameter hides it). */
function namesSelf(ref: string, args: FlakeArgs, scope: Scope): boolean {
  if (ref === 'self') return args.self && !isBound(scope, 'self');
  return args.all !== undefined && ref === `${args.all}.self` && !isBound(scope, args.all);
}

const NAME = "[A-Za-z_][A-Za-z0-9_'-]*";
/** `"${self}/rest"`: the reference (group 1) and the rest (group 2; no quote or escape, `${name}` allowed). */
const INTERPOLATED_SELF = new RegExp(String.raw`^"\$\{\s*(${NAME}(?:\.${NAME})?)\s*\}(/[^"\\]*)?"$`);
/** `self + "/rest"`: the same, written as an addition. */
const ADDED_SELF = new RegExp(String.raw`^(${NAME}(?:\.${NAME})?)\s*\+\s*"(/[^"\\]*)"$`);

/**
 * A path into the flake's own source, written through `self` in flake.nix: `"${self}/hosts/a"`,
 * `self + "/hosts/a.nix"`, `"${inputs.self}/x"`, as `./hosts/a` relative to flake.nix (which it
 * is: self's source is flake.nix's directory). `${name}` parts are kept for the caller to
 * substitute. Read from the expression's text: a comment or anything else inside leaves it unread.
 */
export function selfPath(text: string, args: FlakeArgs | undefined, scope: Scope): string | undefined {
  if (!args || !(args.self || args.all !== undefined)) return undefined;
  const m = INTERPOLATED_SELF.exec(text) ?? ADDED_SELF.exec(text);
  return m && namesSelf(m[1]!, args, scope) ? `.${m[2] ?? '/.'}` : undefined;
}

/** A path as a path literal reads it; `self` when written through the flake's `self` (relative to flake.nix's directory). */
export type OwnPath = { text: string; dynamic: boolean; self?: true };

/** A path through flake.nix's `self` (selfPath: a string or an addition), as a path literal reads. */
export function ownPath(n: SyntaxNode, scope: Scope, args: FlakeArgs | undefined): OwnPath | undefined {
  if (!args) return undefined;
  const type = n.type;
  const p = type === 'string_expression' || type === 'binary_expression' ? selfPath(n.text, args, scope) : undefined;
  return p === undefined ? undefined : { text: p, dynamic: p.includes('${'), self: true };
}

/**
 * The input whose output a value names, when the value is only that name: `nur.overlay` (`nur` a
 * formal of the outputs function), `inputs.nur.overlays.default`. Such an output re-exports
 * another flake's part (`overlays.nur = inputs.nur.overlay;`); undefined for anything else.
 */
export function inputOf(value: SyntaxNode, args: FlakeArgs | undefined, scope: Scope): string | undefined {
  if (!args) return undefined;
  const u = unparen(value);
  if (u.type !== 'select_expression' && u.type !== 'variable_expression') return undefined;
  const segments = dottedName(u.node, u.type)?.split('.');
  const head = segments?.[0];
  if (!segments || head === undefined || isBound(scope, head)) return undefined;
  if (head === args.all && segments.length > 2 && segments[1] !== 'self') return segments[1];
  return args.inputs.has(head) && segments.length > 1 ? head : undefined;
}
