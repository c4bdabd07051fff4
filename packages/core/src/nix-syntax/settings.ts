import type { SyntaxNode } from './syntax-tree.js';
import { clip, literalValue, renderAttrPath, spanOf, type NixLiteral, type Span } from './nodes.js';
import { attrEntries, bindingSet, entryAt, scopeWith, type Bound, type Scope } from './scope.js';
import type { LexedValue } from './binding-source.js';
import { isLexedLeaf } from './peel.js';
import { fieldChild, textBetween, treeSource } from './tree-source.js';
import { expansionOf, type Expansion } from './expansion.js';
import { isHomeUser, readHandovers, type HomeHandovers } from './home-modules.js';
import { unwrapValue, updateOperands, type Unwrapped } from './unwrap-value.js';

/** One attribute path set to a value (a leaf of nested attrsets), with where it is written. */
export interface NixSetting {
  /** Dotted attribute path (`networking.hostName`); dynamic parts keep their `${…}` source. */
  path: string;
  segments: string[];
  dynamic: boolean;
  /** True when set under `mkIf` (so it may not apply). */
  conditional: boolean;
  /** Source text of the value (clipped to 300 characters; `value_span` locates all of it); `inherit (x)` for inherited names. */
  value: string;
  /** The value as JSON when it is a Nix literal (after `mkDefault`/`mkForce`/`mkIf`). */
  literal?: NixLiteral;
  /** Span of the whole binding. */
  binding: Span;
  /** Span of the value expression itself (absent for `inherit`). */
  value_span?: Span;
}

/**
 * A value under `config` that sets attributes a static reader cannot list (`config = import
 * ./impl.nix args;`, `{ … } // lib.optionalAttrs c { … }`, a `mkMerge` part that is a call): kept
 * so that such a module does not look as if it set nothing there.
 */
export interface NixComputedConfig {
  /** Where under `config` (as in NixSetting.path); `` when all of `config` is computed. */
  path: string;
  /** Source text of the value (clipped to 300 characters). */
  expr: string;
  line: number;
}

const MAX_DEPTH = 24;

function isAttrsetType(type: string): boolean {
  return type === 'attrset_expression' || type === 'rec_attrset_expression';
}

/**
 * Flattens an attrset value into its leaf settings: nested attrsets, `mkIf`, `mkMerge` and
 * priority wrappers are followed; everything else is a leaf. `skip` filters top-level names.
 * With `binding` and a non-empty prefix, a value that is not an attrset is itself the leaf.
 * `computed` collects the values that are neither an attrset nor a leaf (the value itself, or a
 * `mkMerge` part, when it is a call or an update): what they set only evaluation can list.
 * `home` collects what the leaves hand to Home Manager (HomeHandovers, home-modules.ts). A user's
 * module written as a function (`home-manager.users.u = { pkgs, ... }: { … };`, also as a part
 * of the user's `mkMerge`) is read as its body (moduleValue), as the same module written as an
 * attrset is.
 */
export function flattenSettings(
  node: SyntaxNode,
  scope: Scope,
  prefix: string[] = [],
  opts: { conditional?: boolean; skip?: (name: string) => boolean; dynamic?: boolean; binding?: SyntaxNode; computed?: NixComputedConfig[]; home?: HomeHandovers } = {},
): NixSetting[] {
  const out: NixSetting[] = [];
  const u = withUpdate(moduleValue(unwrapValue(node, scope), prefix));
  const cond = (opts.conditional ?? false) || u.conditional;
  if (opts.binding && prefix.length && !isAttrsetType(u.type) && !u.merge && !u.update) {
    const l = leaf(renderAttrPath(prefix), prefix, opts.dynamic ?? false, cond, opts.binding, node, u);
    if (opts.home) homeModulesOf(prefix, u, l.binding.line, opts.home);
    return [l];
  }
  const walk = expansionOf(node);
  if (walk.enter(u.node)) walkEntered({ ...u, conditional: cond }, { prefix, dynamic: opts.dynamic ?? false, depth: 0, out, skip: opts.skip, walk, computed: opts.computed, home: opts.home });
  return out;
}


/**
 * `u` with `update` set when it is `a // b // …` and every operand is an attrset once unwrapped
 * (`{ … }`, `optionalAttrs c { … }`, a name bound to one): the operands in order, each unwrapped.
 * Only these can be read statically: what an update of anything else sets, only evaluation knows.
 */
function withUpdate(u: Unwrapped): Unwrapped {
  if (u.update || u.type !== 'binary_expression') return u;
  const operands: Bound[] = [];
  if (!updateOperands(u.node, u.scope, operands, 0)) return u;
  const parts = operands.map((o) => unwrapValue(o.node, o.scope));
  return parts.every((p) => isAttrsetType(p.type)) ? { ...u, update: parts } : u;
}

/**
 * Walks `a // b // …` at `at.prefix`: each operand is read as an attrset, but `//` replaces whole
 * attributes, so a setting of an operand under a name a later operand also has is dropped when that
 * operand always applies, and conditional when it applies under a condition (`optionalAttrs`).
 */
function walkUpdate(parts: Unwrapped[], conditional: boolean, at: At): void {
  const depth = at.prefix.length;
  const names = parts.map(topNames);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const sub: At = { ...at, out: [], depth: at.depth + 1, skip: undefined };
    if (!at.walk.enter(part.node)) continue;
    walkEntered({ ...part, conditional: conditional || part.conditional }, sub);
    for (const s of sub.out) {
      const name = s.segments[depth];
      let replaced = false;
      let maybe = false;
      for (let j = i + 1; j < parts.length; j++) {
        const later = names[j];
        if (later !== undefined && (name === undefined || !later.has(name))) continue;
        if (later !== undefined && !parts[j]!.conditional) replaced = true;
        else maybe = true;
      }
      if (!replaced) at.out.push(maybe && !s.conditional ? { ...s, conditional: true } : s);
    }
  }
}

/** The names an attrset operand sets at its top (undefined when one is dynamic: any name may be). */
function topNames(u: Unwrapped): Set<string> | undefined {
  const names = new Set<string>();
  for (const e of attrEntries(u.node, u.type)) {
    if (e.dynamic || e.path[0] === undefined) return undefined;
    names.add(e.path[0]);
  }
  return names;
}

/**
 * A value at `segments` as the settings walk reads it: `home-manager.users.<user> = { pkgs, ... }:
 * <body>` is its body when that is an attrset, a `mkMerge` or an update of attrsets (`{ … } //
 * { … }`), read as the user's module written as such is. Only a value that is a function is
 * looked at further, so the common settings cost nothing more.
 */
function moduleValue(fn: Unwrapped, segments: readonly string[]): Unwrapped {
  if (fn.type !== 'function_expression' || !isHomeUser(segments)) return fn;
  const body = fieldChild(fn.node, 'body');
  const u = body ? withUpdate(unwrapValue(body, fn.scope)) : undefined;
  return u && (isAttrsetType(u.type) || u.merge || u.update) ? { ...u, conditional: fn.conditional || u.conditional } : fn;
}

/**
 * The Home Manager modules a leaf at `segments` hands over, read from its value with `mkIf` and
 * the like peeled off (none for most leaves: the first segment is compared first).
 */
function homeModulesOf(segments: readonly string[], value: Unwrapped, line: number, into: HomeHandovers): void {
  if (segments[0] === 'home-manager') readHandovers(segments, value.node, value.scope, line, into);
}

/** Where a walk is, and what it collects into. */
interface At {
  prefix: string[];
  dynamic: boolean;
  depth: number;
  out: NixSetting[];
  skip?: ((name: string) => boolean) | undefined;
  /** The values this walk is inside, and the tree's budget (see expansion.ts). */
  walk: Expansion;
  computed?: NixComputedConfig[] | undefined;
  home?: HomeHandovers | undefined;
}

/** Walks `u`, which `at.walk` has entered (and which it leaves at the end). */
function walkEntered(u: Unwrapped, at: At): void {
  try {
    if (at.depth > MAX_DEPTH) return;
    if (u.merge) {
      for (const p of u.merge) {
        // A part of a user's module may be a module function too (`mkMerge [ ({ pkgs, ... }: { … }) … ]`).
        const inner = withUpdate(moduleValue(unwrapValue(p, u.scope), at.prefix));
        // A part of a user's module that is a module file (`mkMerge [ (import ./alice.nix) { … } ]`)
        // is handed over at its line, as the user's module written as that file is.
        if (at.home && !isAttrsetType(inner.type) && !inner.merge && !inner.update && isHomeUser(at.prefix)) homeModulesOf(at.prefix, inner, spanOf(p).line, at.home);
        // A part that merges the value it is part of adds nothing that is not there already.
        if (at.walk.enter(inner.node)) walkEntered({ ...inner, conditional: u.conditional || inner.conditional }, { ...at, depth: at.depth + 1 });
      }
      return;
    }
    if (u.update) walkUpdate(u.update, u.conditional, at);
    else if (isAttrsetType(u.type)) walkAttrset(u, at);
    // Only the value walked first or a mkMerge part gets here other than as an attrset (inside an
    // attrset, any other value is a leaf).
    else at.computed?.push({ path: renderAttrPath(at.prefix), expr: clip(u.node.text, 300), line: spanOf(u.node).line });
  } finally {
    at.walk.leave(u.node);
  }
}

function walkAttrset(u: Unwrapped, at: At): void {
  const { prefix, dynamic, out, skip } = at;
  const s = u.type === 'rec_attrset_expression' ? scopeWith(u.scope, u.node) : u.scope;
  // The prefix is rendered once: a path renders name by name, so it renders as its parts joined.
  const rendered = renderAttrPath(prefix);
  const entries = attrEntries(u.node, u.type);
  at.walk.spend(entries.length);
  for (const e of entries) {
    if (prefix.length === 0 && skip && e.path[0] !== undefined && skip(e.path[0])) continue;
    const segments = prefix.concat(e.path);
    const path = rendered === '' ? renderAttrPath(e.path) : `${rendered}.${renderAttrPath(e.path)}`;
    const dyn = dynamic || e.dynamic;
    const lexed = e.lexed;
    if (lexed && isLexedLeaf(lexed, s)) {
      out.push(lexedLeaf(path, segments, dyn, u.conditional, lexed));
      // A value read from the source hands over a module only as a path through the flake's
      // `self` (`"${self}/home/alice.nix"`, `import "${self}/…"`): its node is read for that.
      if (at.home?.flake && segments[0] === 'home-manager' && e.value) homeModulesOf(segments, unwrapValue(e.value, s), lexed.binding.line, at.home);
      continue;
    }
    if (!e.value) {
      out.push({ path, segments, dynamic: dyn, conditional: u.conditional, value: e.inheritFrom ? `inherit (${e.inheritFrom})` : 'inherit', binding: spanOf(entryAt(e)) });
      continue;
    }
    const value = unwrapValue(e.value, s);
    const inner = withUpdate(moduleValue(value, segments));
    const cond = u.conditional || inner.conditional;
    // A value that holds itself (`a = { x = a; }`), or one past the budget, is a leaf as written;
    // so is an empty attrset (`users.groups.docker = { };` sets something: the group exists).
    if ((inner.merge || inner.update || (isAttrsetType(inner.type) && bindingSet(inner.node, inner.type) !== undefined)) && at.walk.enter(inner.node)) {
      walkEntered({ ...inner, conditional: cond }, { ...at, prefix: segments, dynamic: dyn, depth: at.depth + 1, skip: undefined });
    } else {
      // A user's module past the budget is the function as written, not its body.
      const l = leaf(path, segments, dyn, cond, e.node, e.value, value);
      out.push(l);
      if (at.home) homeModulesOf(segments, value, l.binding.line, at.home);
    }
  }
}

/** The leaf `leaf` makes, for a value read from the source (no node is read). */
function lexedLeaf(path: string, segments: string[], dynamic: boolean, conditional: boolean, v: LexedValue): NixSetting {
  return {
    path,
    segments,
    dynamic,
    conditional,
    value: clip(v.text, 300),
    ...(v.literal ? { literal: v.literal.value } : {}),
    binding: v.binding,
    value_span: v.span,
  };
}

/** `inner` is the value with its wrappers peeled (unwrapValue), its type already read. */
function leaf(path: string, segments: string[], dynamic: boolean, conditional: boolean, binding: SyntaxNode, value: SyntaxNode, inner: Unwrapped): NixSetting {
  // The value's end offset is read once, for its text and its span.
  const end = value.endIndex;
  const text = textBetween(treeSource(value), value, end);
  const lit = literalValue(inner.node, 0, inner.type, inner.node === value ? text : undefined);
  return {
    path,
    segments,
    dynamic,
    conditional,
    value: clip(text, 300),
    ...(lit ? { literal: lit.value } : {}),
    binding: spanOf(binding),
    value_span: spanOf(value, end),
  };
}
