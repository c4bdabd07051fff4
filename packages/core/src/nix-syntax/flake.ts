import type { SyntaxNode } from './syntax-tree.js';
import { stringLiteral } from './nodes.js';
import { OutputCollector } from './flake-outputs.js';
import type { FlakeOutputDecl } from './output-decl.js';
import { hostDecl } from './flake-hosts.js';
import { topLevelOf, type NixHomeModuleRef, type NixImportRef, type TopLevel } from './module.js';
import { flattenSettings, type NixSetting } from './settings.js';
import { flakeArgs } from './flake-args.js';
import { outputDecl } from './module-outputs.js';

export type { FlakeOutputDecl } from './output-decl.js';

/** An input as declared in flake.nix (what the lock file pins is read from flake.lock). */
export interface FlakeInputDecl {
  name: string;
  url: string | null;
  flake: boolean | null;
  /** `inputs.<name>.follows = "x"`: this input is another one. */
  follows: string | null;
  /** `inputs.<name>.inputs.<sub>.follows = "x"`. */
  input_follows: { input: string; follows: string }[];
  line: number;
}

/** A member of `nixosConfigurations.<name>.modules`. */
export interface FlakeModuleRef {
  /** path: `./hosts/x`; output: `self.nixosModules.y`; input: `home-manager.nixosModules.…`; inline: `{ … }`. */
  kind: 'path' | 'output' | 'input' | 'inline' | 'expression';
  expr: string;
  path?: string;
  /** For kind `output`: `nixosModules.<name>`. */
  output?: string;
  /** For kind `inline`: the settings it makes (so identity can be read from it). */
  config?: NixSetting[];
  /** For kind `inline`: what it imports (`{ imports = [ ./x.nix ]; … }`), modules of the host too. */
  imports?: NixImportRef[];
  /** For kind `inline`: the Home Manager modules it hands over (`home-manager.users.<u>`, `sharedModules`). */
  home_modules?: NixHomeModuleRef[];
  /** For kind `inline`: the settings of the modules it writes in place in `home-manager.sharedModules` (NixModuleFacts.shared_config). */
  shared_config?: NixSetting[];
  /** For kind `path`: written through the flake's `self` (`"${self}/hosts/a.nix"`), so relative to flake.nix's directory. */
  from_self?: true;
  line: number;
}

export interface FlakeHostDecl {
  name: string;
  line: number;
  system: string | null;
  modules: FlakeModuleRef[];
  /** False when the module list is computed (only part of it, or none, could be read). */
  modules_static: boolean;
  /** `<name> = import ./hosts/a.nix { … }`: the host is that file's value, as written (read across files). */
  from_file?: string;
}

export interface NixFlakeFacts {
  description: string | null;
  inputs: FlakeInputDecl[];
  outputs: FlakeOutputDecl[];
  /** False when part of the outputs is computed in a way a static reader cannot follow. */
  outputs_static: boolean;
  hosts: FlakeHostDecl[];
  /** flake-parts `imports = [ … ]` of the mkFlake module (static paths as written): modules that may define outputs. */
  parts_imports?: string[];
}

/** Reads a flake.nix: any file whose value is an attrset with an `outputs` attribute. */
export function flakeFacts(root: SyntaxNode): NixFlakeFacts | undefined {
  const top = root.childForFieldName('expression');
  return top ? flakeFactsFrom(topLevelOf(top)) : undefined;
}

export function flakeFactsFrom(tl: TopLevel): NixFlakeFacts | undefined {
  const { entries, scope } = tl;
  if (!entries) return undefined;
  const outputs = entries.find((e) => e.path.length === 1 && e.path[0] === 'outputs' && e.value);
  if (!outputs?.value) return undefined;
  const description = entries.find((e) => e.path.length === 1 && e.path[0] === 'description' && e.value);
  const inputSettings = entries
    .filter((e) => e.path[0] === 'inputs' && e.value)
    .flatMap((e) => flattenSettings(e.value!, scope, e.path.slice(1), { dynamic: e.dynamic, binding: e.node }));
  const args = flakeArgs(outputs.value);
  const collector = new OutputCollector(args);
  collector.collect(outputs.value, scope);
  return {
    description: description?.value ? (stringLiteral(description.value) ?? null) : null,
    inputs: declaredInputs(inputSettings),
    outputs: collector.hits.map((h) => outputDecl(h, args)),
    outputs_static: !collector.partial,
    hosts: collector.hits.filter((h) => h.decl.category === 'nixosConfigurations' && h.decl.name !== null).map((h) => hostDecl(h, args)),
    ...(collector.partsImports.length ? { parts_imports: collector.partsImports } : {}),
  };
}

/** Nix's URI token: the whole value is one only when it is a URI literal (`x:y` is lexed as one). */
const URI_LITERAL = /^[a-zA-Z][a-zA-Z0-9+.-]*:[a-zA-Z0-9%/?:@&=+$,_.!~*'-]+$/;

function declaredInputs(settings: NixSetting[]): FlakeInputDecl[] {
  const byName = new Map<string, FlakeInputDecl>();
  for (const s of settings) {
    const [name, key, ...rest] = s.segments;
    if (name === undefined || s.dynamic) continue;
    let d = byName.get(name);
    if (!d) {
      d = { name, url: null, flake: null, follows: null, input_follows: [], line: s.binding.line };
      byName.set(name, d);
    }
    const str = typeof s.literal === 'string' ? s.literal : null;
    // `url = github:NixOS/nixos-hardware/master;`: an unquoted URI (deprecated, still in flakes).
    if (key === 'url') d.url = str ?? (URI_LITERAL.test(s.value) ? s.value : null);
    else if (key === 'flake' && typeof s.literal === 'boolean') d.flake = s.literal;
    else if (key === 'follows') d.follows = str;
    else if (key === 'inputs' && rest.length === 2 && rest[1] === 'follows' && str !== null) d.input_follows.push({ input: rest[0]!, follows: str });
    else if (key === undefined && str !== null) d.url = str; // `inputs.x = "github:…"` is not valid, but say what it holds
  }
  return [...byName.values()];
}
