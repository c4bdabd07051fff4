import type { SyntaxNode } from './syntax-tree.js';
import { OutputCollector } from './flake-outputs.js';
import type { FlakeOutputDecl } from './output-decl.js';
import { moduleArgs } from './flake-args.js';
import { hostCall, hostDecl, hostFromCall } from './flake-hosts.js';
import type { FlakeHostDecl } from './flake.js';
import type { TopLevel } from './module.js';
import { treeSource } from './tree-source.js';
import { homeFileModules } from './home-configurations.js';
import { outputDecl } from './module-outputs.js';
import type { NixHomeModuleRef } from './home-modules.js';
import type { NixSetting } from './settings.js';
import { unwrapValue } from './unwrap-value.js';

/** Hosts a file defines for a flake that reads it: its `nixosConfigurations` outputs and their hosts. */
export interface NixHostSet {
  /** Its `nixosConfigurations` outputs (a flake-parts module: every output it defines). */
  outputs: FlakeOutputDecl[];
  /** The host of each named `nixosConfigurations` output, in the same order. */
  hosts: FlakeHostDecl[];
}

/**
 * What a file gives a flake that reads its hosts from it, each way a flake can: as the whole set
 * (`nixosConfigurations = import ./hosts { inherit inputs; }`), as one host (`a = import ./a.nix
 * { … }`), or as a flake-parts module (`imports = [ ./hosts ]`, setting `flake.nixosConfigurations`);
 * and as one standalone Home Manager configuration (`homeConfigurations.a = import ./a.nix { … }`).
 * The file does not know how it is read (another file says so): genome-hosts.ts picks the reading.
 */
export interface NixHostFileFacts {
  /** Its value read as `nixosConfigurations` (an attrset, genAttrs, mapAttrs, `//`); null for a flake-parts module. */
  set: NixHostSet | null;
  /** Its value read as one host (a nixosSystem call, a helper, withSystem); null when the value is an attrset. */
  host: FlakeHostDecl | null;
  /** The outputs a flake-parts module defines (`flake.…`, `perSystem`), with its hosts; null when it defines none. */
  parts: NixHostSet | null;
  /** Its value read as one standalone Home Manager configuration: the modules it names (homeFileModules); absent when none. */
  home?: NixHomeModuleRef[];
  /** The same configuration's modules written in place: their settings; absent when none. */
  home_config?: NixSetting[];
}

/**
 * Only a file that names `nixosSystem` or `nixosConfigurations` is read as a set of hosts or one
 * host: the test costs a string search per file, where reading every module's attributes as hosts
 * would cost a walk. A hosts file building every host with a helper from another file
 * (`mkHost = import ../lib/mk-host.nix`) names neither: its hosts stay computed.
 */
const MENTIONS_HOSTS = /nixosSystem|nixosConfigurations/;

/**
 * `top`: the file's value as written (a flake-parts module's function binds `self` and `inputs`).
 * A flake-parts module is told by its top-level names (`flake`, `perSystem`, also under
 * `config.`), which the file's attrset entries already hold: no search of the text.
 */
export function hostFileFacts(tl: TopLevel, top: SyntaxNode): NixHostFileFacts | null {
  if (tl.entries?.some(isPartsEntry)) {
    const parts = new OutputCollector(moduleArgs(top));
    parts.flakeParts(tl.node, tl.scope);
    return { set: null, host: null, parts: hostSetOf(parts) };
  }
  const read = homeFileModules(tl);
  const home = read ? { ...(read.refs.length ? { home: read.refs } : {}), ...(read.config.length ? { home_config: read.config } : {}) } : undefined;
  // 1-2 ms over the 5.4 MB bench tree (0.1-0.2% of an analysis pass); indexOf loops were slower.
  if (!MENTIONS_HOSTS.test(treeSource(tl.node).text)) return home ? { set: null, host: null, parts: null, ...home } : null;
  const set = new OutputCollector();
  set.namedMap('nixosConfigurations', tl.node, tl.node, tl.scope);
  const line = tl.node.startPosition.row + 1;
  return { set: hostSetOf(set, SET_CATEGORIES), host: tl.entries ? null : hostFromCall('', line, hostCall(unwrapValue(tl.node, tl.scope))), parts: null, ...home };
}

/** Run on every top-level entry of every file: indexed reads, no destructuring (an iterator each). */
function isPartsEntry(e: { path: string[] }): boolean {
  const head = e.path[0];
  if (head === 'flake' || head === 'perSystem') return true;
  const next = head === 'config' ? e.path[1] : undefined;
  return next === 'flake' || next === 'perSystem';
}

/** A set gives hosts (its other outputs are not the flake's); a flake-parts module every output it defines. */
const SET_CATEGORIES = new Set(['nixosConfigurations']);

function hostSetOf(c: OutputCollector, categories?: Set<string>): NixHostSet | null {
  const hits = categories ? c.hits.filter((h) => categories.has(h.decl.category)) : c.hits;
  if (!hits.length) return null;
  return { outputs: hits.map((h) => outputDecl(h, c.args)), hosts: hits.filter((h) => h.decl.category === 'nixosConfigurations' && h.decl.name !== null).map((h) => hostDecl(h, c.args)) };
}
