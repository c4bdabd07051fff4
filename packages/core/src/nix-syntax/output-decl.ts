import type { SyntaxNode } from './syntax-tree.js';
import { applyParts, pathLiteral, stripParens } from './nodes.js';
import { inputOf, type FlakeArgs } from './flake-args.js';
import { resolveVariable, type Scope } from './scope.js';
import type { NixHomeModuleRef } from './home-modules.js';
import type { NixSetting } from './settings.js';

/** One flake output found in flake.nix, e.g. `packages.x86_64-linux.hello` at flake.nix:12. */
export interface FlakeOutputDecl {
  category: string;
  /** The system when it is written literally; null when per-system but computed, or not per-system. */
  system: string | null;
  /** The output name; null when computed (`listToAttrs …`) or for single-valued outputs (`formatter.<sys>`, `lib`). */
  name: string | null;
  /** The attribute path, with `<system>` / `<name>` where the part is not known statically. */
  attr: string;
  /** False when the names of this category are computed, so only evaluation can list them. */
  static: boolean;
  per_system: boolean;
  line: number;
  col: number;
  /** The first path literal in the value (`./modules/core`, `callPackage ./pkgs/x { }`). */
  value_path?: string;
  /** Names computed by `import <file> …`: the file as written, whose value holds them (read across files). */
  from_file?: string;
  /** Names computed from `readDir <dir>` (only evaluation lists them): the directory as written. */
  read_dir?: string;
  /** The value is only a name from this input (`overlays.nur = inputs.nur.overlay;`): another flake's part. */
  from_input?: string;
  /** For `homeConfigurations.<name>`: the Home Manager modules its `modules` list names (home-configurations.ts). */
  home_modules?: NixHomeModuleRef[];
  /** For `homeConfigurations.<name>`: the settings of the modules its `modules` list writes in place. */
  home_config?: NixSetting[];
  /** For `homeConfigurations.<name> = import <file> …`: the file as written, whose value is the configuration (read across files). */
  home_file?: string;
  /** For a module output written in place (`nixosModules.x = { … }: { … };`): that module's settings (module-outputs.ts). */
  module_config?: NixSetting[];
}

/** Output found during the walk, with the nodes the host reader needs. */
export interface OutputHit {
  decl: FlakeOutputDecl;
  value: SyntaxNode | undefined;
  scope: Scope;
  /**
   * For a name made by `genAttrs [ "a" … ] f` or `mapAttrs f { a = …; }`: the value is `f` applied
   * to `args`, each written in the scope of the same index of `scopes` (`f` in `scope`).
   */
  apply?: { fn: SyntaxNode; args: SyntaxNode[]; scopes: Scope[] };
}

/** What else an output may carry (see FlakeOutputDecl and OutputHit). */
export type OutputExtra = Pick<OutputHit, 'apply'> & Pick<FlakeOutputDecl, 'from_file' | 'read_dir'> & {
  /** An output of a category of its own put under the system by flake-utils (Ctx.eachSystem). */
  perSystem?: boolean;
  /**
   * The per-system output a named set sits in (`legacyPackages.<system>.homeConfigurations.<name>`,
   * under `legacyPackages`): its attribute path starts there, and it has a system level.
   */
  under?: string;
};

/** Outputs that take a system level: `packages.<system>.<name>`. */
export const PER_SYSTEM_CATEGORIES = new Set(['packages', 'apps', 'checks', 'devShells', 'formatter', 'legacyPackages', 'defaultPackage', 'defaultApp', 'devShell']);
/** Per-system outputs with one value per system (no name level). */
export const SINGLE_PER_SYSTEM = new Set(['formatter', 'defaultPackage', 'defaultApp', 'devShell']);
/** Outputs that hold named entries without a system level. */
export const NAMED_CATEGORIES = new Set(['nixosModules', 'nixosConfigurations', 'homeConfigurations', 'homeModules', 'homeManagerModules', 'darwinConfigurations', 'darwinModules', 'overlays', 'templates', 'flakeModules']);

/** An output as the walk finds it (OutputCollector): where it is written, and its value with the scope that value is read in. */
export interface FoundOutput {
  cat: string;
  sys: string | null;
  /** The name as listed: null when computed. */
  name: string | null;
  binding: SyntaxNode;
  value: SyntaxNode | undefined;
  scope: Scope;
  /** The value is the output's own (not a set of them, nor a per-system map). */
  direct: boolean;
  isStatic: boolean;
  extra: OutputExtra;
}

/** What tells two outputs apart: an output found twice (`a.x = …; a = { x = …; };`) is listed once. */
export function outputKey(f: Pick<FoundOutput, 'cat' | 'sys' | 'name' | 'isStatic' | 'extra'>): string {
  return `${f.extra.under ?? ''}\u0000${f.cat}\u0000${f.sys ?? ''}\u0000${f.name ?? ''}\u0000${f.isStatic}\u0000${f.extra.from_file ?? f.extra.read_dir ?? ''}`;
}

/** The record of an output: its attribute path, where it is written, the path or input its value names. `args`: see OutputCollector. */
export function outputHit(f: FoundOutput, args: FlakeArgs | undefined): OutputHit {
  const { cat, sys, name, binding, value, scope, direct, isStatic, extra } = f;
  const { apply, from_file, read_dir, under } = extra;
  const perSystem = PER_SYSTEM_CATEGORIES.has(cat) || extra.perSystem === true || under !== undefined;
  const single = SINGLE_PER_SYSTEM.has(cat) || extra.perSystem === true || (!perSystem && !NAMED_CATEGORIES.has(cat));
  const attr = under !== undefined ? [under, sys ?? '<system>', cat, name ?? '<name>'].join('.') : [cat, ...(perSystem ? [sys ?? '<system>'] : []), ...(single ? [] : [name ?? '<name>'])].join('.');
  const p = direct && value ? firstPath(value, scope) : undefined;
  const input = direct && value && p === undefined ? inputOf(value, args, scope) : undefined;
  const decl: FlakeOutputDecl = {
    category: cat,
    system: sys,
    name,
    attr,
    static: isStatic,
    per_system: perSystem,
    line: binding.startPosition.row + 1,
    col: binding.startPosition.column + 1,
    ...(p === undefined ? {} : { value_path: p }),
    ...(from_file === undefined ? {} : { from_file }),
    ...(read_dir === undefined ? {} : { read_dir }),
    ...(input === undefined ? {} : { from_input: input }),
  };
  return { decl, value: direct ? value : undefined, scope, ...(apply ? { apply } : {}) };
}

/** The first path literal of a value: `./x`, `import ./x`, `callPackage ./x { }`. */
function firstPath(value: SyntaxNode, scope: Scope): string | undefined {
  const n = resolveVariable(stripParens(value), scope);
  const direct = pathLiteral(n);
  if (direct && !direct.dynamic) return direct.text;
  for (const a of applyParts(n)?.args ?? []) {
    const p = pathLiteral(a);
    if (p && !p.dynamic) return p.text;
  }
  return undefined;
}
