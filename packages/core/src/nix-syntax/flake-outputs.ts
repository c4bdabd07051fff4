import type { SyntaxNode } from './syntax-tree.js';
import { applyParts, calleeName, importedFile, literalValue, stripParens } from './nodes.js';
import { generatedNames, readDirOf } from './flake-names.js';
import { importRefs } from './module-imports.js';
import type { FlakeArgs } from './flake-args.js';
import { attrEntries, boundValue, entryAt, entryValue, isAttrset, resolveTyped, resolveVariable, unwrapBody, type AttrEntry, type Scope } from './scope.js';
import { NAMED_CATEGORIES, outputHit, outputKey, PER_SYSTEM_CATEGORIES, SINGLE_PER_SYSTEM, type FoundOutput, type OutputExtra, type OutputHit } from './output-decl.js';

interface Ctx {
  /** Inside flake-utils `eachSystem` or flake-parts `perSystem`: the system level is implicit. */
  implicitSystem: boolean;
  /**
   * Inside flake-utils `eachSystem`, which puts every attribute under the system: `pkgs = …;`
   * there is the output `pkgs.<system>` (flake-parts' perSystem only knows its own options).
   */
  eachSystem?: boolean;
}

/**
 * The walk over a flake's outputs (flake.nix's `outputs`, a file of hosts, a flake-parts module):
 * each output it finds becomes a record (output-decl.ts).
 */
export class OutputCollector {
  readonly hits: OutputHit[] = [];
  /** True when some outputs could not be read statically (a computed outputs attrset). */
  partial = false;
  /** flake-parts `imports = [ ./hosts … ]` of the mkFlake module, as written (static paths only). */
  readonly partsImports: string[] = [];
  private readonly seen = new Map<string, OutputHit>();

  /** `args`: what flake.nix's outputs function binds (none in other files: see FlakeArgs). */
  constructor(readonly args?: FlakeArgs) {}

  collect(node: SyntaxNode, scope: Scope, ctx: Ctx = { implicitSystem: false }, depth = 0): void {
    if (depth > 16) {
      this.partial = true;
      return;
    }
    const u = unwrapBody(node, scope);
    const { node: n, scope: at } = resolveTyped(u.node, u.scope);
    if (isAttrset(n)) {
      for (const e of attrEntries(n)) this.member(e, at, ctx);
      return;
    }
    if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '//') {
      for (const side of ['left', 'right']) {
        const s = n.childForFieldName(side);
        if (s) this.collect(s, at, ctx, depth + 1);
      }
      return;
    }
    const fn = calleeName(n);
    const last = applyParts(n)?.args.at(-1);
    if (last && (fn === 'eachDefaultSystem' || fn === 'eachSystem')) {
      this.collect(last, at, { implicitSystem: true, eachSystem: true }, depth + 1);
      return;
    }
    if (last && fn === 'mkFlake') {
      this.flakeParts(last, at, depth);
      return;
    }
    this.partial = true;
  }

  /** flake-parts: `mkFlake { … } { perSystem = …; flake = …; }`, or a module it imports. */
  flakeParts(arg: SyntaxNode, scope: Scope, depth = 0): void {
    const u = unwrapBody(arg, scope);
    const { node: n, scope: at } = resolveTyped(u.node, u.scope);
    if (!isAttrset(n)) {
      this.partial = true;
      return;
    }
    for (const e of attrEntries(n)) {
      // `inherit perSystem;` and the like: the value of the name where the module binds it.
      const bound = entryValue(e, at);
      if (!bound) continue;
      const { node: value, scope: s } = bound;
      // A module may set its options under `config.` (`config.flake.nixosConfigurations = …`).
      const [head, ...rest] = e.path[0] === 'config' && e.path.length > 1 ? e.path.slice(1) : e.path;
      if (head === 'perSystem' && !rest.length) this.collect(value, s, { implicitSystem: true }, depth + 1);
      if (head === 'flake' && !rest.length) this.collect(value, s, { implicitSystem: false }, depth + 1);
      if (head === 'flake' && rest.length) this.entry(rest, e.dynamic, value, entryAt(e), s, { implicitSystem: false });
      if (head === 'imports' && !rest.length) for (const r of importRefs(value, s)) if (r.path !== undefined && !r.dynamic) this.partsImports.push(r.path);
    }
  }

  /**
   * One member of an outputs attrset. An inherited name (`let nixosConfigurations = { … }; in {
   * inherit nixosConfigurations; }`, `inherit (x) packages;`) is read as the value it names when
   * that is bound in scope; otherwise the output is there, but only evaluation can list its names.
   */
  private member(e: AttrEntry, scope: Scope, ctx: Ctx): void {
    const value = entryValue(e, scope);
    if (value) {
      this.entry(e.path, e.dynamic, value.node, entryAt(e), value.scope, ctx);
      return;
    }
    this.partial = true;
    const cat = e.path[0];
    if (cat === undefined || e.dynamic) return;
    this.emit(cat, null, null, entryAt(e), undefined, scope, true, !(PER_SYSTEM_CATEGORIES.has(cat) || NAMED_CATEGORIES.has(cat)));
  }

  private entry(path: string[], dynamic: boolean, value: SyntaxNode, binding: SyntaxNode, scope: Scope, ctx: Ctx): void {
    const cat = path[0];
    if (cat === undefined || (dynamic && path.length === 1)) {
      this.partial = true;
      return;
    }
    if (PER_SYSTEM_CATEGORIES.has(cat)) {
      const full = ctx.implicitSystem ? [cat, null, ...path.slice(1)] : path;
      const sys = full[1] === undefined ? undefined : systemOf(full[1], scope);
      if (cat === 'legacyPackages' && full[2] === LEGACY_HOMES) {
        this.legacyHomes(sys ?? null, full.slice(3), binding, value, scope);
        return;
      }
      if (full.length >= 3) this.emit(cat, sys ?? null, full[2] ?? null, binding, value, scope, full.length === 3, !isDynamicText(full[2]));
      else if (full.length === 2) this.systemLevel(cat, sys ?? null, value, binding, scope);
      else this.perSystemMap(cat, value, binding, scope);
      return;
    }
    if (NAMED_CATEGORIES.has(cat)) {
      if (path.length >= 2) this.emit(cat, null, path[1]!, binding, value, scope, path.length === 2, !isDynamicText(path[1]));
      else this.namedMap(cat, value, binding, scope);
      return;
    }
    this.emit(cat, null, null, binding, value, scope, path.length === 1, true, ctx.eachSystem ? { perSystem: true } : {});
  }

  /** `packages = { x86_64-linux = …; }` or `packages = forAllSystems (system: { … })`. */
  private perSystemMap(cat: string, value: SyntaxNode, binding: SyntaxNode, scope: Scope): void {
    const { node: n, scope: at } = resolveTyped(stripParens(value), scope);
    if (isAttrset(n)) {
      for (const e of attrEntries(n)) {
        const v = entryValue(e, at);
        if (v) this.entry([cat, ...e.path], e.dynamic, v.node, entryAt(e), v.scope, { implicitSystem: false });
      }
      return;
    }
    const fnArg = applyParts(n)?.args.at(-1);
    if (fnArg && stripParens(fnArg).type === 'function_expression') this.systemLevel(cat, null, fnArg, binding, at);
    else this.emit(cat, null, null, binding, value, scope, false, false);
  }

  /** The value of `packages.<system>`: names of the attrset, or one value for formatter & co. */
  private systemLevel(cat: string, sys: string | null, value: SyntaxNode, binding: SyntaxNode, scope: Scope): void {
    if (SINGLE_PER_SYSTEM.has(cat)) this.emit(cat, sys, null, binding, value, scope, true, true);
    else
      this.namesOf(value, scope, binding, (name, nb, v, s, e) => {
        // The set (`homeConfigurations = { … }`), or one configuration as a dotted path
        // (`homeConfigurations.alice = …`; `homeConfigurations.${user}` is dynamic only below the set's name).
        const homes = cat === 'legacyPackages' && e?.path[0] === LEGACY_HOMES ? (v ? { node: v, scope: s } : e.path.length > 1 ? entryValue(e, s) : undefined) : undefined;
        if (homes && e) this.legacyHomes(sys, e.path.slice(1), nb, homes.node, homes.scope);
        else this.emit(cat, sys, name, nb, v, s, true, name !== null);
      });
  }

  /**
   * `legacyPackages.<system>.homeConfigurations…`, however it is written, `rest` the path after
   * `homeConfigurations`: the set itself (no rest), or one configuration (`alice`; a deeper path,
   * `alice.extraSpecialArgs`, sets a part of it). Read as `homeConfigurations` is, under its system.
   */
  private legacyHomes(sys: string | null, rest: (string | null)[], binding: SyntaxNode, value: SyntaxNode, scope: Scope): void {
    const under = 'legacyPackages';
    if (!rest.length) this.namedMap(LEGACY_HOMES, value, binding, scope, 0, { sys, under });
    else this.emit(LEGACY_HOMES, sys, rest[0] ?? null, binding, value, scope, rest.length === 1, !isDynamicText(rest[0]), { under });
  }

  /**
   * `nixosConfigurations = …`: an attrset, `genAttrs`/`mapAttrs` (generatedNames), `import ./hosts
   * { … }` (names in another file), each joined by `//`; anything else is computed, with the
   * directory it reads when it calls `readDir ./dir`.
   */
  namedMap(cat: string, value: SyntaxNode, binding: SyntaxNode, scope: Scope, depth = 0, place?: { sys: string | null; under: string }): void {
    const sys = place?.sys ?? null;
    const under = place ? { under: place.under } : {};
    const u = unwrapBody(value, scope);
    const { node: n, scope: at } = resolveTyped(u.node, u.scope);
    if (isAttrset(n)) {
      this.namesOf(n, at, binding, (name, nb, v, s) => this.emit(cat, sys, name, nb, v, s, true, name !== null, under));
      return;
    }
    if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '//' && depth < 8) {
      for (const side of ['left', 'right']) {
        const s = n.childForFieldName(side);
        if (s) this.namedMap(cat, s, binding, at, depth + 1, place);
      }
      return;
    }
    const generated = generatedNames(n, at);
    if (generated) {
      for (const g of generated.names) this.emit(cat, sys, g.name, g.node, undefined, generated.scope, true, true, { ...under, apply: { fn: generated.fn, args: g.args, scopes: g.scopes } });
      return;
    }
    const file = importedFile(n);
    const dir = file === undefined ? readDirOf(n.text) : undefined;
    this.emit(cat, sys, null, binding, undefined, at, true, false, { ...under, ...(file === undefined ? {} : { from_file: file }), ...(dir === undefined ? {} : { read_dir: dir }) });
  }

  /** Calls `each` per static name of an attrset value (following `//`); once with null if computed. */
  private namesOf(
    value: SyntaxNode,
    scope: Scope,
    binding: SyntaxNode,
    each: (name: string | null, binding: SyntaxNode, value: SyntaxNode | undefined, scope: Scope, entry?: AttrEntry) => void,
    depth = 0,
  ): void {
    const u = unwrapBody(value, scope);
    const { node: n, scope: at } = resolveTyped(u.node, u.scope);
    if (isAttrset(n)) {
      for (const e of attrEntries(n)) {
        const v = e.path.length === 1 ? entryValue(e, at) : undefined;
        each(e.dynamic ? null : e.path[0]!, entryAt(e), v?.node, v?.scope ?? at, e);
      }
      return;
    }
    if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '//' && depth < 8) {
      for (const side of ['left', 'right']) {
        const s = n.childForFieldName(side);
        if (s) this.namesOf(s, at, binding, each, depth + 1);
      }
      return;
    }
    each(null, binding, undefined, at);
  }

  private emit(
    cat: string,
    sys: string | null,
    name: string | null,
    binding: SyntaxNode,
    value: SyntaxNode | undefined,
    scope: Scope,
    direct: boolean,
    isStatic: boolean,
    extra: OutputExtra = {},
  ): void {
    const found: FoundOutput = { cat, sys, name: isStatic ? name : null, binding, value, scope, direct, isStatic, extra };
    const key = outputKey(found);
    if (this.seen.has(key)) return;
    const hit = outputHit(found, this.args);
    this.seen.set(key, hit);
    this.hits.push(hit);
  }
}

/**
 * `legacyPackages.<system>.homeConfigurations`: where some flakes put their standalone Home
 * Manager configurations, to build each with that system's packages (flake-parts' `perSystem` has
 * no `homeConfigurations` of its own). Read as `homeConfigurations` is, each under its system.
 */
const LEGACY_HOMES = 'homeConfigurations';

function isDynamicText(s: string | null | undefined): boolean {
  return s === null || s === undefined || s.startsWith('${');
}

/** A system attribute: literal, or `${system}` where `system` is let-bound to a string. */
function systemOf(part: string | null, scope: Scope): string | null {
  if (part === null) return null;
  const m = /^\$\{\s*([A-Za-z_][\w'-]*)\s*\}$/.exec(part);
  if (!m) return part.startsWith('${') ? null : part;
  const bound = boundValue(scope, m[1]!);
  const lit = bound ? literalValue(resolveVariable(bound.node, bound.scope)) : undefined;
  return typeof lit?.value === 'string' ? lit.value : null;
}
