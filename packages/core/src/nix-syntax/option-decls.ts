import type { SyntaxNode } from './syntax-tree.js';
import { callOf, clip, literalValue, renderAttrPath, spanOf, stringLiteral, type NixLiteral, type Span } from './nodes.js';
import type { LexedValue } from './binding-source.js';
import { isLexedLeaf } from './peel.js';
import { tokenLiteral } from './value-source.js';
import { attrEntries, entryAt, inheritedValue, isAttrset, resolveTyped, type AttrEntry, type Bound, type Scope } from './scope.js';
import { DOC_WRAPPER, docArgument } from './option-sources.js';
import { innermostCallee } from './callee-source.js';
import { treeSource } from './tree-source.js';
import { unwrapValue, updateOperands, type Unwrapped } from './unwrap-value.js';
import { expansionOf, type Expansion } from './expansion.js';
import { packageDecl } from './package-option.js';

/*
 * The options a module declares under `options.` (NixModuleFacts.options), read from their
 * constructors' arguments, and the values there only evaluation can list (computed_options).
 */

/** An option declared with `mkOption`, `mkEnableOption` or `mkPackageOption` under `options.`. */
export interface NixOptionDecl {
  /** Option path without the leading `options.` (`autopoietic.identity.host`). */
  path: string;
  declared_with: 'mkOption' | 'mkEnableOption' | 'mkPackageOption';
  /** Source text of `type`, `default`, `description`, `example`; for mkEnableOption the implied bool/false. */
  type: string | null;
  default: string | null;
  description: string | null;
  example: string | null;
  /** `default` as JSON when it is a Nix literal. */
  default_value?: NixLiteral;
  /** `description` as text when it is a string literal. */
  description_value?: string;
  binding: Span;
}

/**
 * A value under `options.` that declares options a static reader cannot list: a call other than an
 * option constructor (`lib.genAttrs [ "a" "b" ] (n: mkOption { … })`, `import ./opts.nix { }`, a
 * helper), or a name it cannot follow. Kept so that a module computing its options does not look
 * as if it declared none.
 */
export interface NixComputedOptions {
  /** Where under `options.` (as in NixOptionDecl.path); `` when all of `options` is computed. */
  path: string;
  /** Source text of the value (clipped to 300 characters). */
  expr: string;
  line: number;
}

const OPTION_CONSTRUCTORS = new Set(['mkOption', 'mkEnableOption', 'mkPackageOption']);

const MAX_OPTION_DEPTH = 24;

/** Where collectOptions puts what it reads (NixModuleFacts' fields of the same names). */
export interface OptionsOut {
  options: NixOptionDecl[];
  computed_options: NixComputedOptions[];
}

export function collectOptions(value: SyntaxNode, scope: Scope, prefix: string[], binding: SyntaxNode, out: OptionsOut, depth = 0, walk = expansionOf(value)): void {
  if (depth > MAX_OPTION_DEPTH) return;
  const u = unwrapValue(value, scope);
  // Entries are read one level deeper, where nothing is read past the depth limit.
  const enterable = (u.merge !== undefined || isAttrset(u.node, u.type)) && depth < MAX_OPTION_DEPTH;
  if (enterable && !walk.enter(u.node)) {
    // A value that holds itself (`a = { x = a; }`), or one past the budget: as written, unread.
    computed(out, prefix, value.text, spanOf(binding).line);
    return;
  }
  try {
    if (u.merge) for (const p of u.merge) collectOptions(p, u.scope, prefix, binding, out, depth + 1, walk);
    else if (u.type === 'apply_expression') optionCall(u, prefix, binding, out);
    else if (enterable) optionEntries(u, prefix, out, depth, walk);
    else if (u.type !== 'binary_expression' || !updatedOption(u, prefix, binding, out)) {
      // A name, a select, `if … then … else …`, any other update: only evaluation can list what
      // it declares, and leaving it out would make the module look as if it declared nothing.
      computed(out, prefix, u.node.text, spanOf(binding).line);
    }
  } finally {
    if (enterable) walk.leave(u.node);
  }
}

/** Most calls under `options` are option constructors; anything else is kept as computed. */
function optionCall(u: Unwrapped, prefix: string[], binding: SyntaxNode, out: OptionsOut): void {
  const src = treeSource(u.node);
  const known = src.clean ? innermostCallee(src, u.node) : undefined;
  const call = known === undefined || OPTION_CONSTRUCTORS.has(known) ? callOf(u.node, u.type) : undefined;
  if (call && OPTION_CONSTRUCTORS.has(call.name)) {
    if (prefix.length) out.options.push(optionDecl(renderAttrPath(prefix), call.name as NixOptionDecl['declared_with'], call.args, u.scope, spanOf(binding)));
  } else {
    computed(out, prefix, u.node.text, spanOf(binding).line);
  }
}

function optionEntries(u: Unwrapped, prefix: string[], out: OptionsOut, depth: number, walk: Expansion): void {
  const entries = attrEntries(u.node, u.type);
  walk.spend(entries.length);
  for (const e of entries) {
    const path = prefix.concat(e.path);
    if (e.lexed && isLexedLeaf(e.lexed, u.scope) && lexedOption(path, e.lexed, out)) continue;
    // `inherit enable;` names a binding in scope (`let enable = mkEnableOption "x"; in`), read
    // in the scope it is written in.
    const value = e.value;
    const inherited = value ? undefined : inheritedValue(e, u.scope);
    if (value) collectOptions(value, u.scope, path, entryAt(e), out, depth + 1, walk);
    else if (inherited) collectOptions(inherited.node, inherited.scope, path, entryAt(e), out, depth + 1, walk);
    else computed(out, path, inheritText(e), spanOf(entryAt(e)).line);
  }
}

/** `inherit x` or `inherit (s) x`, for an inherited name whose value is not read. */
function inheritText(e: AttrEntry): string {
  return `inherit ${e.inheritFrom === undefined ? '' : `(${e.inheritFrom}) `}${e.path.join('.')}`;
}

/**
 * `mkEnableOption "x" // { default = true; }`, as personal configurations write an enable option
 * that is on unless turned off: an option constructor's declaration, updated with attrsets
 * written out (`//` binds to the right, each later one wins). Their `type`, `default`,
 * `description` and `example` replace the constructor's. False when the value has any other
 * shape (a call that is not a constructor, an operand that is not an attrset, a computed name).
 */
function updatedOption(u: Unwrapped, prefix: string[], binding: SyntaxNode, out: OptionsOut): boolean {
  const operands: Bound[] = [];
  if (!updateOperands(u.node, u.scope, operands, 0) || !prefix.length) return false;
  const [first, ...updates] = operands;
  const call = first && callOf(first.node);
  if (!call || !OPTION_CONSTRUCTORS.has(call.name)) return false;
  const sets = updates.map((o) => resolveTyped(o.node, o.scope));
  if (!sets.every((t) => isAttrset(t.node, t.type))) return false;
  const entries = sets.flatMap((t) => attrEntries(t.node, t.type));
  if (entries.some((e) => e.dynamic)) return false;
  const decl = optionDecl(renderAttrPath(prefix), call.name as NixOptionDecl['declared_with'], call.args, first.scope, spanOf(binding));
  for (const e of entries) {
    const key = attributeKey(e.path);
    if (!key) continue;
    // What the constructor implied no longer holds, whether or not the new value is a literal.
    if (key === 'default') delete decl.default_value;
    if (key === 'description') delete decl.description_value;
    decl[key] = null;
    readEntry(decl, e, key);
  }
  out.options.push(decl);
  return true;
}

/**
 * What collectOptions makes of a value read from the source that unwrapValue leaves as it stands:
 * nothing, unless it calls an option constructor. `mkOption { … }` and `mkEnableOption "…"` with
 * their argument read from the source are read here; false leaves any other option call
 * (mkPackageOption, or an argument of another shape) to the node reading.
 */
function lexedOption(path: string[], v: LexedValue, out: OptionsOut): boolean {
  if (v.kind === 'apply_expression' ? !OPTION_CONSTRUCTORS.has(v.callee!) : v.kind === 'variable_expression' || v.kind === 'select_expression') {
    computed(out, path, v.text, v.binding.line);
    return true;
  }
  if (v.kind !== 'apply_expression') return true;
  const arg = v.argument;
  if (v.callee === 'mkOption' && arg && 'bindings' in arg) {
    const decl = newDecl(renderAttrPath(path), 'mkOption', v.binding);
    for (const b of arg.bindings) readAttribute(decl, b.path, lexedAttribute(b.value, attributeKey(b.path)));
    out.options.push(decl);
    return true;
  }
  if (v.callee === 'mkEnableOption' && arg && 'string' in arg) {
    // A string read from the source has its literal value, or none when it interpolates.
    out.options.push(enableDecl(renderAttrPath(path), v.binding, arg.string.text, tokenLiteral(arg.string)?.value as string | undefined));
    return true;
  }
  return false;
}

/** Records a value under `options.` that declares options computed (see NixComputedOptions). */
function computed(out: OptionsOut, path: string[], text: string, line: number): void {
  out.computed_options.push({ path: renderAttrPath(path), expr: clip(text, 300), line });
}

function newDecl(path: string, ctor: NixOptionDecl['declared_with'], binding: Span): NixOptionDecl {
  return { path, declared_with: ctor, type: null, default: null, description: null, example: null, binding };
}

/** `mkEnableOption "…"`: the implied type and default, and the description it words. */
function enableDecl(path: string, binding: Span, text: string | undefined, description: string | undefined): NixOptionDecl {
  const decl = newDecl(path, 'mkEnableOption', binding);
  decl.type = 'lib.types.bool';
  decl.default = 'false';
  decl.default_value = false;
  if (text !== undefined) decl.description = clip(text);
  if (description !== undefined) decl.description_value = `Whether to enable ${description}.`;
  return decl;
}

function optionDecl(path: string, ctor: NixOptionDecl['declared_with'], args: SyntaxNode[], scope: Scope, binding: Span): NixOptionDecl {
  if (ctor === 'mkEnableOption') {
    const arg = args[0];
    const text = arg?.text;
    return enableDecl(path, binding, text, arg ? (stringLiteral(arg, undefined, text) ?? docArgument(arg, text!)) : undefined);
  }
  if (ctor === 'mkPackageOption') return packageDecl(newDecl(path, ctor, binding), args, scope);
  const decl = newDecl(path, ctor, binding);
  const set = args[0] ? resolveTyped(args[0], scope) : undefined;
  if (!set || !isAttrset(set.node, set.type)) return decl;
  for (const e of attrEntries(set.node, set.type)) {
    const key = attributeKey(e.path);
    if (key) readEntry(decl, e, key);
  }
  return decl;
}

/** Records an entry of an option's attrset whose key is read (see readAttribute). */
function readEntry(decl: NixOptionDecl, e: AttrEntry & { lexed?: LexedValue | undefined }, key: AttributeKey): void {
  readAttribute(decl, e.path, e.lexed ? lexedAttribute(e.lexed, key) : nodeAttribute(e.value, key));
}

type AttributeKey = 'type' | 'default' | 'description' | 'example';

function attributeKey(path: string[]): AttributeKey | undefined {
  const key = path.length === 1 ? path[0] : undefined;
  return key === 'type' || key === 'default' || key === 'description' || key === 'example' ? key : undefined;
}

/** Records one attribute of an option's attrset (`type = …;` & co.; others are ignored). */
function readAttribute(decl: NixOptionDecl, path: string[], read: AttributeRead | undefined): void {
  const key = attributeKey(path);
  if (!key || !read) return;
  decl[key] = clip(read.text);
  if (key === 'default' && read.literal) decl.default_value = read.literal.value;
  if (key === 'description' && typeof read.string === 'string') decl.description_value = read.string;
}

/** An option attribute's text, its value as a literal, and as a string literal. */
interface AttributeRead {
  text: string;
  literal?: { value: NixLiteral } | undefined;
  string?: string | undefined;
}

/** From the source (see binding-source.ts), reading only what the key needs: only strings can be string literals. */
function lexedAttribute(v: LexedValue, key: AttributeKey | undefined): AttributeRead {
  if (key === 'default') return { text: v.text, literal: v.literal };
  if (key !== 'description') return { text: v.text };
  if (v.kind === 'string_expression' || v.kind === 'indented_string_expression') return { text: v.text, string: v.literal?.value as string | undefined };
  // `lib.mdDoc "…"`, read with its string argument (see callWithArgument).
  const arg = v.kind === 'apply_expression' && v.callee === DOC_WRAPPER ? v.argument : undefined;
  return { text: v.text, string: arg && 'string' in arg ? (tokenLiteral(arg.string)?.value as string | undefined) : undefined };
}

/** From the node, reading only what the key needs; the text is read once (each read slices the source anew). */
function nodeAttribute(value: SyntaxNode | undefined, key: string): AttributeRead | undefined {
  if (!value) return undefined;
  const text = value.text;
  if (key === 'default') return { text, literal: literalValue(value, 0, undefined, text) };
  if (key === 'description') return { text, string: stringLiteral(value, undefined, text) ?? docArgument(value, text) };
  return { text };
}
