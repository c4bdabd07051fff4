import type { SyntaxNode } from './syntax-tree.js';
import { applyParts, dottedName, importArgument, importedFile, literalValue, pathLiteral, unparen, stripParens, type Typed } from './nodes.js';
import { fieldChild } from './tree-source.js';
import type { OutputHit } from './output-decl.js';
import type { FlakeHostDecl, FlakeModuleRef } from './flake.js';
import { listElementsOf, moduleFactsOf, type NixImportRef } from './module.js';
import { attrEntries, boundValue, entryValue, isAttrset, resolveTyped, resolveVariable, type Bound, type Scope } from './scope.js';
import { unwrapValue } from './unwrap-value.js';
import { ownPath, selfPath, type FlakeArgs, type OwnPath } from './flake-args.js';
import { substitutedPath } from './substituted-path.js';

/**
 * Hosts of a flake: `nixosConfigurations.<name> = <call>`, read from the attrset argument of the
 * call (`nixpkgs.lib.nixosSystem { system = …; modules = [ … ]; }`). Two common ways of writing
 * that call are seen through: flake-parts' `withSystem "<system>" ({ … }: <call>)`, and a helper
 * bound in scope (`mkHost "a" ./hosts/a` where `let mkHost = name: path: nixosSystem { … };`),
 * whose parameters then stand for the arguments given; so is `genAttrs [ "a" "b" ] f` (see
 * generatedNames), each host being `f` applied to its name. Anything else keeps its module list
 * unread (`modules_static: false`).
 */
export function hostDecl(hit: OutputHit, args?: FlakeArgs): FlakeHostDecl {
  return hostFromCall(hit.decl.name!, hit.decl.line, outputCall(hit), args);
}

/** The call that builds an output's value (hostCall), also when `genAttrs`/`mapAttrs` applies a function to its name. */
export function outputCall(hit: OutputHit): (Typed & { scope: Scope }) | undefined {
  return hit.apply ? appliedCall(hit.apply, hit.scope) : hit.value ? hostCall(unwrapValue(hit.value, hit.scope)) : undefined;
}

/** One setting of the attrset a call is given; `certain` is false when a later `//` operand not written out may replace it. */
export interface CallSetting {
  name: string;
  value: SyntaxNode;
  scope: Scope;
  certain: boolean;
}

/**
 * The settings of the attrset a call is given (`nixosSystem { modules = …; }`, the last such
 * argument): each single-name entry and its value, with the scope it is written in; `inherit x;`
 * and `inherit (set) x;` take the value inheritedValue reads (none when the set is not written
 * out in scope). The argument may also be an update, `{ … } // extra` (settingsOf).
 */
export function callSettings(call: Typed & { scope: Scope }): CallSetting[] {
  const args = applyParts(call.node, call.type)?.args ?? [];
  for (const a of [...args].reverse()) {
    const settings = settingsOf(a, call.scope, 0);
    if (settings) return settings;
  }
  return [];
}

/** At most this many `//` deep. */
const MAX_UPDATES = 8;

/**
 * The settings of an attrset written out, or of `a // b` with either side one (each name from the
 * operand that has it last, as `//` does). An operand not written out may replace any name of the
 * ones before it, which are then uncertain, except the names it cannot have: those
 * `removeAttrs x [ "modules" … ]` removes (a helper's `{ modules = …; } // removeAttrs extra [
 * "modules" ]`). Undefined when the value is neither.
 */
function settingsOf(node: SyntaxNode, scope: Scope, depth: number): CallSetting[] | undefined {
  const set = resolveTyped(node, scope);
  if (isAttrset(set.node, set.type)) {
    const out: CallSetting[] = [];
    for (const e of attrEntries(set.node, set.type)) {
      const value = entryValue(e, set.scope);
      if (value && e.path.length === 1) out.push({ name: e.path[0]!, value: value.node, scope: value.scope, certain: true });
    }
    return out;
  }
  if (depth >= MAX_UPDATES) return undefined;
  const removal = removeAttrsCall(set.node, set.scope);
  if (removal) {
    // `removeAttrs extra [ "modules" ]` of a set written out (a helper given `{ }`): the rest of it.
    const from = settingsOf(removal.set, set.scope, depth + 1);
    const names = removal.names;
    return from && names ? from.filter((x) => !names.has(x.name)) : undefined;
  }
  if (set.type !== 'binary_expression' || fieldChild(set.node, 'operator')?.text !== '//') return undefined;
  const l = fieldChild(set.node, 'left');
  const r = fieldChild(set.node, 'right');
  if (!l || !r) return undefined;
  const left = settingsOf(l, set.scope, depth + 1);
  const right = settingsOf(r, set.scope, depth + 1);
  if (right) {
    const replaced = new Set(right.map((x) => x.name));
    return [...(left ?? []).filter((x) => !replaced.has(x.name)), ...right];
  }
  if (!left) return undefined;
  const removed = removedNames(r, set.scope);
  return left.map((x) => (removed?.has(x.name) ? x : { ...x, certain: false }));
}

/** `removeAttrs x [ "a" "b" ]` (builtins., lib. or lib.attrsets.): the names its result cannot have. */
function removedNames(node: SyntaxNode, scope: Scope): Set<string> | undefined {
  const r = resolveTyped(node, scope);
  return removeAttrsCall(r.node, r.scope)?.names;
}

/** A `removeAttrs set names` call: the set, and the names when the list is written out as strings. */
function removeAttrsCall(node: SyntaxNode, scope: Scope): { set: SyntaxNode; names: Set<string> | undefined } | undefined {
  const call = applyParts(node);
  if (call?.args.length !== 2 || dottedName(call.fn, call.fnType)?.split('.').pop() !== 'removeAttrs') return undefined;
  const list = listElementsOf(call.args[1]!, scope);
  const names = new Set<string>();
  for (const el of list.elements) {
    const v = literalValue(resolveVariable(el, scope));
    if (typeof v?.value !== 'string') return { set: call.args[0]!, names: undefined };
    names.add(v.value);
  }
  return { set: call.args[0]!, names: list.complete ? names : undefined };
}

/**
 * A host built by `call` (undefined: not known), read from the attrset given to it. `args`: what
 * flake.nix's outputs function binds, when the host is written there (paths through `self`).
 */
export function hostFromCall(name: string, line: number, call: (Typed & { scope: Scope }) | undefined, flakeArgs?: FlakeArgs): FlakeHostDecl {
  const decl: FlakeHostDecl = { name, line, system: null, modules: [], modules_static: false };
  if (!call) return decl;
  // `a = import ./hosts/a.nix { inherit inputs; }`: the host is that file's value (read across files).
  const file = importedFile(call.node);
  if (file !== undefined) return { ...decl, from_file: file };
  for (const { name: key, value, scope, certain } of callSettings(call)) {
    if (key === 'system' && certain) {
      const v = literalValue(resolveVariable(value, scope));
      if (typeof v?.value === 'string') decl.system = v.value;
    }
    if (key === 'modules') {
      const list = listElementsOf(value, scope);
      decl.modules = list.elements.map((el, i) => moduleRef(el, list.scopes[i]!, flakeArgs));
      // A later `//` operand not written out may replace the list: it is then not all there is.
      decl.modules_static = list.complete && certain;
    }
  }
  return decl;
}

/** At most this many `withSystem` and helper calls are seen through (a helper may call another). */
const MAX_CALL_STEPS = 4;

/** `genAttrs [ "a" ] f`: the host `a` is what `f "a"` returns (`f` a helper or `name: <body>`). */
function appliedCall(apply: NonNullable<OutputHit['apply']>, scope: Scope): (Typed & { scope: Scope }) | undefined {
  const fn = unparen(apply.fn);
  const body = helperBody({ fn: fn.node, fnType: fn.type, args: apply.args }, scope, apply.scopes);
  return body ? hostCall(unwrapValue(body.node, body.scope)) : undefined;
}

/** The call that builds a host: the value itself, or what withSystem or a helper in scope returns. */
export function hostCall(start: Typed & { scope: Scope }): Typed & { scope: Scope } {
  let u = start;
  for (let i = 0; i < MAX_CALL_STEPS; i++) {
    const parts = applyParts(u.node, u.type);
    if (!parts) return u;
    const next = withSystemBody(parts, u.scope) ?? helperBody(parts, u.scope);
    if (!next) return u;
    u = unwrapValue(next.node, next.scope);
  }
  return u;
}

type Call = NonNullable<ReturnType<typeof applyParts>>;

/** flake-parts `withSystem "x86_64-linux" ({ config, ... }: body)`: the body (its arguments are unknown). */
function withSystemBody(call: Call, scope: Scope): { node: SyntaxNode; scope: Scope } | undefined {
  if (call.args.length !== 2 || dottedName(call.fn, call.fnType)?.split('.').pop() !== 'withSystem') return undefined;
  const fn = unparen(call.args[1]!);
  const body = fn.type === 'function_expression' ? fn.node.childForFieldName('body') : null;
  return body ? { node: body, scope } : undefined;
}

/**
 * `mkHost "a" ./hosts/a` where `mkHost` is bound in scope to `name: path: <body>`, or the function
 * written in place (`(name: <body>) "a"`, as genAttrs applies it), or one that takes an
 * attrset (`{ name, system ? "x86_64-linux" }: <body>`): the body, in a scope where each
 * parameter names the argument given (or its default). The body's other names are those where the
 * helper is written, each argument's those where it is given (`argScopes`, one per argument, when
 * not all are written where the call is). Undefined when the helper is unknown, takes fewer
 * arguments than given, or takes an attrset that is not written out.
 */
function helperBody(call: Call, scope: Scope, argScopes?: readonly Scope[]): Bound | undefined {
  let fn: Typed & { scope: Scope };
  if (call.fnType === 'function_expression') fn = { node: call.fn, type: call.fnType, scope };
  else {
    const bound = call.fnType === 'variable_expression' ? boundValue(scope, call.fn.text) : undefined;
    if (!bound) return undefined;
    fn = resolveTyped(bound.node, bound.scope);
  }
  const names = new Map<string, SyntaxNode | null>();
  const from = new Map<string, Scope>();
  for (let i = 0; i < call.args.length; i++) {
    if (fn.type !== 'function_expression') return undefined;
    const arg = call.args[i]!;
    const at = argScopes?.[i] ?? scope;
    const universal = fn.node.childForFieldName('universal');
    if (universal) {
      names.set(universal.text, arg);
      from.set(universal.text, at);
    }
    const formals = fn.node.childForFieldName('formals');
    if (formals && !bindFormals(formals, { node: arg, scope: at }, names, from)) return undefined;
    const body = fn.node.childForFieldName('body');
    if (!body) return undefined;
    fn = { ...unparen(body), scope: fn.scope };
  }
  return { node: fn.node, scope: { names, parent: fn.scope, from } };
}

/**
 * Binds `{ a, b ? d, ... }` to an attrset argument written out (each given value read where it is
 * written, a default in the helper's own scope); false when it is not one.
 */
function bindFormals(formals: SyntaxNode, arg: Bound, names: Map<string, SyntaxNode | null>, from: Map<string, Scope>): boolean {
  const set = resolveTyped(arg.node, arg.scope);
  if (!isAttrset(set.node, set.type)) return false;
  const given = new Map<string, Bound>();
  for (const e of attrEntries(set.node, set.type)) {
    const value = entryValue(e, set.scope);
    if (e.path.length === 1 && !e.dynamic && value) given.set(e.path[0]!, value);
  }
  for (const f of formals.childrenForFieldName('formal')) {
    const name = f.childForFieldName('name')?.text;
    const value = name === undefined ? undefined : given.get(name);
    const fallback = value ? undefined : f.childForFieldName('default');
    // A parameter with no value known must not fall through to an outer name of the same spelling.
    if (name === undefined || (!value && !fallback)) return false;
    names.set(name, value?.node ?? fallback!);
    if (value) from.set(name, value.scope);
  }
  return true;
}

function moduleRef(el: SyntaxNode, at: Scope, args: FlakeArgs | undefined): FlakeModuleRef {
  // The element's own names are read where it is written (a name bound to a module: in its `let`).
  const { node: n, scope } = resolveTyped(stripParens(el), at);
  const base = { expr: el.text.length > 300 ? `${el.text.slice(0, 300)}…` : el.text, line: el.startPosition.row + 1 };
  // `"${self}/hosts/a"` in flake.nix is `./hosts/a`: the module list is written in flake.nix.
  const p: OwnPath | undefined = pathLiteral(n) ?? importedPath(n, scope, args) ?? ownPath(n, scope, args);
  if (p) {
    const path = p.dynamic ? substitutedPath(p.text, scope) : p.text;
    return path === undefined ? { kind: 'expression', ...base } : { kind: 'path', path, ...(p.self ? { from_self: true } : {}), ...base };
  }
  const dotted = dottedName(n);
  const own = dotted?.match(/^(?:inputs\.)?self\.(nixosModules\.[^.]+)$/);
  if (own) return { kind: 'output', output: own[1]!, ...base };
  if (dotted?.includes('.nixosModules.') || dotted?.startsWith('inputs.')) return { kind: 'input', ...base };
  const kind = stripParens(n).type;
  if (kind === 'attrset_expression' || kind === 'function_expression' || kind === 'rec_attrset_expression') {
    const facts = moduleFactsOf(n, scope, args);
    const imports = facts?.imports.map((i) => ownImport(i, scope, args));
    const home = facts?.home_modules;
    const shared = facts?.shared_config;
    return { kind: 'inline', config: facts?.config ?? [], ...(imports?.length ? { imports } : {}), ...(home ? { home_modules: home } : {}), ...(shared ? { shared_config: shared } : {}), ...base };
  }
  return { kind: 'expression', ...base };
}

/** `import ./x { … }` (or `import "${self}/x"`) as a module list element: the imported path. */
function importedPath(n: SyntaxNode, scope: Scope, args: FlakeArgs | undefined): OwnPath | undefined {
  const first = importArgument(n);
  return first ? (pathLiteral(first) ?? ownPath(stripParens(first), scope, args)) : undefined;
}

/** An inline module's import through `self` (`{ imports = [ "${self}/x.nix" ]; }` in flake.nix) as the path it is. */
function ownImport(i: NixImportRef, scope: Scope, args: FlakeArgs | undefined): NixImportRef {
  if (!i.dynamic || i.kind === 'path') return i;
  const p = selfPath(i.expr, args, scope);
  return p === undefined || p.includes('${') ? i : { ...i, path: p, dynamic: false, from_self: true };
}
