import type { SyntaxNode } from './syntax-tree.js';
import { clip, literalValue, renderAttrPath, type NixLiteral } from './nodes.js';
import { attrEntries, isAttrset, resolveTyped, type Scope } from './scope.js';
import type { NixOptionDecl } from './option-decls.js';

/**
 * `mkPackageOption pkgs "jq" { … }` as nixpkgs' lib/options.nix builds it: the name (or
 * `default`, when given) is an attribute path in the package set, not a value, so the option's
 * default is `pkgs.jq`, shown as its defaultText `<pkgsText>.<path>` (pkgsText is "pkgs" unless
 * given); it has no `default_value` (a package is no literal), except `default = null` with
 * `nullable = true`, whose default is null (without nullable, `default = null` means no default).
 * A name or default that is not a literal string or list of strings keeps its source text. The
 * description is nixpkgs' "The <name> package to use." and `extraDescription`; a list `example`
 * is an attribute path too, a string one the expression text it holds. `decl` is the option as
 * declared (its path and binding), which this fills in.
 */
export function packageDecl(decl: NixOptionDecl, args: SyntaxNode[], scope: Scope): NixOptionDecl {
  const given = new Map<string, SyntaxNode>();
  const set = args[2] ? resolveTyped(args[2], scope) : undefined;
  if (set && isAttrset(set.node, set.type)) for (const e of attrEntries(set.node, set.type)) if (e.value && e.path.length === 1 && !e.dynamic) given.set(e.path[0]!, e.value);
  const literal = (key: string): NixLiteral | undefined => {
    const v = given.get(key);
    return v ? literalValue(v)?.value : undefined;
  };
  const pkgsText = typeof literal('pkgsText') === 'string' ? (literal('pkgsText') as string) : 'pkgs';
  const nullable = literal('nullable') === true;
  decl.type = nullable ? 'lib.types.nullOr lib.types.package' : 'lib.types.package';
  const defaultNode = given.get('default') ?? args[1];
  const defaultLiteral = defaultNode ? literalValue(defaultNode)?.value : undefined;
  if (defaultLiteral === null) {
    if (nullable) {
      decl.default = 'null';
      decl.default_value = null;
    }
  } else if (defaultNode) {
    const attr = attributePath(defaultLiteral);
    decl.default = attr ? `${pkgsText}.${attr}` : clip(defaultNode.text);
  }
  const name = args[1] ? literalValue(args[1])?.value : undefined;
  const shown = typeof name === 'string' ? name : Array.isArray(name) ? name.at(-1) : undefined;
  const extra = given.has('extraDescription') ? literal('extraDescription') : '';
  if (typeof shown === 'string' && typeof extra === 'string') decl.description_value = `The ${shown} package to use.${extra === '' ? '' : ` ${extra}`}`;
  const example = given.get('example');
  const exampleLiteral = example ? literalValue(example)?.value : undefined;
  if (example && exampleLiteral !== null) {
    const attr = Array.isArray(exampleLiteral) ? attributePath(exampleLiteral) : undefined;
    decl.example = attr ? `${pkgsText}.${attr}` : typeof exampleLiteral === 'string' ? clip(exampleLiteral) : clip(example.text);
  }
  return decl;
}

/** An attribute path given as a string or a list of strings, rendered as nixpkgs' showAttrPath does. */
function attributePath(v: NixLiteral | undefined): string | undefined {
  const path = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(path) || !path.length || !path.every((p): p is string => typeof p === 'string')) return undefined;
  return renderAttrPath(path);
}
