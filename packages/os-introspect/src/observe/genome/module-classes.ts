import type { z } from 'zod';
import { byCodeUnit } from '@autopoietic/core/canonical';
import { resolveNixPath, type GenomeHost, type GenomeIndex, type NixHomeModuleRef, type PlacedOutput } from '@autopoietic/core/nix-syntax';
import type { FlakeOutputEntry, HomeManagerModuleEntry, ImportEntry } from '@autopoietic/core/schemas';

type Output = z.infer<typeof FlakeOutputEntry>;
type HomeModule = z.infer<typeof HomeManagerModuleEntry>;

/**
 * Which module files Home Manager reads, and which NixOS reads: a walk of the import graph, once
 * per run over the facts each file's analysis already made (no file is read again).
 *
 * Home Manager's modules start where they are handed over: a module's or a host's inline
 * module's `home-manager.users.<u>` / `sharedModules` (NixHomeModuleRef), a standalone
 * configuration's `modules` (`homeConfigurations.<name>`), a `homeModules` /
 * `homeManagerModules` output. NixOS's start at the hosts' module lists and `nixosModules`
 * outputs. A module file nothing imports nor hands over starts a walk of its own: a Home Manager
 * one under a `home/` directory (underHomeDir), a NixOS one elsewhere, as its organ was typed
 * before any walk. Whatever a module of a class imports, directly or not, is of that class too:
 * a file reached only from Home Manager modules is a Home Manager module, one reached from both
 * is both. A file no walk reaches (a cycle nothing enters) has no class.
 */
export type ModuleClass = 'nixos' | 'home-manager' | 'both';

export interface ModuleClasses {
  classOf(path: string): ModuleClass | undefined;
  /** Every file Home Manager reads, by path (GenomeState.home_manager_modules). */
  home: HomeModule[];
}

/** A module file and what it says of the graph: its resolved imports and the Home Manager modules it hands over. */
export interface ClassInput {
  path: string;
  imports: readonly z.infer<typeof ImportEntry>[];
  home_modules?: readonly NixHomeModuleRef[] | undefined;
}

/**
 * Home Manager modules handed over outside module files, with the file their paths are written
 * in: by the modules written inline in a host's module list, and by a standalone configuration
 * (`homeConfigurations.<name> = homeManagerConfiguration { modules = [ … ]; }`).
 */
export interface HomeHandover {
  base: string;
  refs: readonly NixHomeModuleRef[];
  /** flake.nix, which a path written through the flake's `self` is relative to (NixHomeModuleRef.from_self). */
  flake: string | undefined;
}

/** The hosts' inline handovers, then the standalone configurations' (in the files their modules are written in). */
export function homeHandovers(hosts: readonly GenomeHost[], outputs: readonly PlacedOutput[], flake: string | undefined): HomeHandover[] {
  const out: HomeHandover[] = [];
  for (const h of hosts) if (h.inline_home_modules.length) out.push({ base: h.base, refs: h.inline_home_modules, flake });
  for (const o of outputs) if (o.decl.home_modules) out.push({ base: o.home_base ?? o.file, refs: o.decl.home_modules, flake });
  return out;
}

/**
 * The file of the genome a Home Manager module handed over in `from` is: its path is written
 * there, or through the flake's `self` (`"${self}/home/alice.nix"`), in flake.nix's directory
 * (`flake`, which only a handover outside module files knows). Undefined for any other path.
 */
export function handedOverFile(from: string, r: NixHomeModuleRef, index: GenomeIndex, flake: string | undefined): string | undefined {
  const base = r.from_self ? flake : from;
  const t = base === undefined ? undefined : resolveNixPath(base, r.path, index);
  return t?.kind === 'file' ? t.path : undefined;
}

export interface ClassSources {
  modules: readonly ClassInput[];
  hosts: readonly GenomeHost[];
  /** homeHandovers. */
  handovers: readonly HomeHandover[];
  /** The genome's own outputs (ownOutputs), whose module outputs are roots. */
  outputs: readonly Output[];
  flakeFile: string | undefined;
  index: GenomeIndex;
  /** A path the classes leave out (a nested flake's file: another genome). */
  foreign: (path: string) => boolean;
  /** The path rule that typed a module's organ before (organs.ts). */
  underHomeDir: (path: string) => boolean;
}

interface Root {
  path: string;
  via: string;
}

export function moduleClasses(s: ClassSources): ModuleClasses {
  const edges = new Map<string, string[]>();
  const imported = new Set<string>();
  const home: Root[] = [];
  for (const m of s.modules) {
    const to: string[] = [];
    for (const i of m.imports) if (i.status === 'file' && i.target !== null) to.push(i.target);
    if (to.length) edges.set(m.path, to);
    for (const t of to) imported.add(t);
    for (const r of m.home_modules ?? []) handedOver(m.path, r, s.index, undefined, home);
  }
  for (const h of s.handovers) for (const r of h.refs) handedOver(h.base, r, s.index, h.flake, home);
  const nixos: Root[] = s.hosts.flatMap((h) => h.modules.map((path) => ({ path, via: `host ${h.name}` })));
  outputRoots(s, home, nixos);
  const named = new Set([...home, ...nixos].map((r) => r.path));
  for (const m of s.modules) {
    if (imported.has(m.path) || named.has(m.path)) continue;
    if (s.underHomeDir(m.path)) home.push({ path: m.path, via: 'not imported, under home/' });
    else nixos.push({ path: m.path, via: 'not imported' });
  }
  const hmReach = reach(home.filter((r) => !s.foreign(r.path)), edges);
  const nixosReach = reach(nixos.filter((r) => !s.foreign(r.path)), edges);
  const classOf = (path: string): ModuleClass | undefined => {
    if (hmReach.has(path)) return nixosReach.has(path) ? 'both' : 'home-manager';
    return nixosReach.has(path) ? 'nixos' : undefined;
  };
  const list: HomeModule[] = [];
  for (const [path, via] of hmReach) if (!s.foreign(path)) list.push({ path, class: nixosReach.has(path) ? 'both' : 'home-manager', via });
  return { classOf, home: list.sort((a, b) => byCodeUnit(a.path, b.path)) };
}

/** A Home Manager module handed over in `from` (a path as written there), when it is a file of the genome. */
function handedOver(from: string, r: NixHomeModuleRef, index: GenomeIndex, flake: string | undefined, out: Root[]): void {
  const path = handedOverFile(from, r, index, flake);
  if (path !== undefined) out.push({ path, via: `${r.via} at ${from}:${r.line}` });
}

const HOME_OUTPUTS = new Set(['homeModules', 'homeManagerModules']);

/** `nixosModules.x = ./x.nix` starts a NixOS walk, `homeModules.x = ./x.nix` a Home Manager one. */
function outputRoots(s: ClassSources, home: Root[], nixos: Root[]): void {
  for (const o of s.outputs) {
    const to = o.category === 'nixosModules' ? nixos : HOME_OUTPUTS.has(o.category) ? home : undefined;
    const from = o.file ?? s.flakeFile;
    if (!to || !o.value_path || !from) continue;
    const t = resolveNixPath(from, o.value_path, s.index);
    if (t.kind === 'file') to.push({ path: t.path, via: `flake output ${o.attr} at ${from}${o.line === null ? '' : `:${o.line}`}` });
  }
}

/** Every file reached from `roots` through `edges`, with the root it was first reached from (breadth first, roots in order). */
function reach(roots: readonly Root[], edges: ReadonlyMap<string, string[]>): Map<string, string> {
  const via = new Map<string, string>();
  const queue: string[] = [];
  for (const r of roots) {
    if (via.has(r.path)) continue;
    via.set(r.path, r.via);
    queue.push(r.path);
  }
  // An index, not shift(): shift is linear in the queue's length.
  for (let at = 0; at < queue.length; at++) {
    const from = queue[at]!;
    const v = via.get(from)!;
    for (const to of edges.get(from) ?? []) {
      if (via.has(to)) continue;
      via.set(to, v);
      queue.push(to);
    }
  }
  return via;
}
