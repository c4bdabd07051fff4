import { OutputCollector, type FlakeOutputDecl } from './flake-outputs.js';
import { hostCall, hostDecl, hostFromCall } from './flake-hosts.js';
import type { FlakeHostDecl } from './flake.js';
import type { TopLevel } from './module.js';
import { treeSource } from './tree-source.js';
import { unwrapValue } from './values.js';

/** Hosts a file defines for a flake that reads it: its `nixosConfigurations` outputs and their hosts. */
export interface NixHostSet {
  /** Its `nixosConfigurations` outputs (and, in a flake-parts module, `nixosModules`). */
  outputs: FlakeOutputDecl[];
  /** The host of each named `nixosConfigurations` output, in the same order. */
  hosts: FlakeHostDecl[];
}

/**
 * What a file gives a flake that reads its hosts from it, each way a flake can: as the whole set
 * (`nixosConfigurations = import ./hosts { inherit inputs; }`), as one host (`a = import ./a.nix
 * { … }`), or as a flake-parts module (`imports = [ ./hosts ]`, setting `flake.nixosConfigurations`).
 * The file does not know how it is read (another file says so): genome-hosts.ts picks the reading.
 */
export interface NixHostFileFacts {
  /** Its value read as `nixosConfigurations` (an attrset, genAttrs, mapAttrs, `//`); null for a flake-parts module. */
  set: NixHostSet | null;
  /** Its value read as one host (a nixosSystem call, a helper, withSystem); null when the value is an attrset. */
  host: FlakeHostDecl | null;
  /** Its `flake.nixosConfigurations` (flake-parts module); null when it sets no `flake`. */
  parts: NixHostSet | null;
}

/**
 * Only a file that names `nixosSystem` or `nixosConfigurations` is read for hosts: the test costs a
 * string search per file, where reading every module's attributes as hosts would cost a walk. A
 * hosts file building every host with a helper from another file (`mkHost = import ../lib/mk-host.nix`)
 * names neither: its hosts stay computed.
 */
const MENTIONS_HOSTS = /nixosSystem|nixosConfigurations/;

export function hostFileFacts(tl: TopLevel): NixHostFileFacts | null {
  // 1-2 ms over the 5.4 MB bench tree (0.1-0.2% of an analysis pass); indexOf loops were slower.
  if (!MENTIONS_HOSTS.test(treeSource(tl.node).text)) return null;
  if (tl.entries?.some((e) => e.path[0] === 'flake' || (e.path[0] === 'config' && e.path[1] === 'flake'))) {
    const parts = new OutputCollector();
    parts.flakeParts(tl.node, tl.scope);
    return { set: null, host: null, parts: hostSetOf(parts, PARTS_CATEGORIES) };
  }
  const set = new OutputCollector();
  set.namedMap('nixosConfigurations', tl.node, tl.node, tl.scope);
  const line = tl.node.startPosition.row + 1;
  return { set: hostSetOf(set, SET_CATEGORIES), host: tl.entries ? null : hostFromCall('', line, hostCall(unwrapValue(tl.node, tl.scope))), parts: null };
}

/** A set gives hosts; a flake-parts module also the nixosModules its hosts may name (`self.nixosModules.x`). */
const SET_CATEGORIES = new Set(['nixosConfigurations']);
const PARTS_CATEGORIES = new Set(['nixosConfigurations', 'nixosModules']);

function hostSetOf(c: OutputCollector, categories: Set<string>): NixHostSet | null {
  const hits = c.hits.filter((h) => categories.has(h.decl.category));
  if (!hits.length) return null;
  return { outputs: hits.map((h) => h.decl), hosts: hits.filter((h) => h.decl.category === 'nixosConfigurations' && h.decl.name !== null).map((h) => hostDecl(h)) };
}
