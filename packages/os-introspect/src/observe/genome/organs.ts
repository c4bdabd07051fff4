import { posix } from 'node:path';
import type { z } from 'zod';
import { byCodeUnit } from '@autopoietic/core/canonical';
import { resolveNixPath, type NixHomeModuleRef, type NixModuleFacts, type NixSetting, type PlacedOutput } from '@autopoietic/core/nix-syntax';
import type { FlakeOutputEntry, GenomeOrgan, ModuleEntry } from '@autopoietic/core/schemas';
import type { GenomeLayout } from './model.js';
import { handedOverFile, type HomeHandover, type ModuleClass } from './module-classes.js';
import { unitOrgans, unitSettings, type UnitSource } from './unit-organs.js';

/**
 * Organs the genome defines, with the path the organ registry records as their source:
 * flake packages, apps (CLIs), devShells, overlays and NixOS/Home Manager modules; module files
 * that declare options; systemd services and timers set in modules (system and user units);
 * packages under packages/ or pkgs/ (a package.json with `bin` makes CLIs: package-dir-organs.ts).
 */
type Organ = z.infer<typeof GenomeOrgan>;
type Output = z.infer<typeof FlakeOutputEntry>;
type Module = z.infer<typeof ModuleEntry>;

const OUTPUT_TYPES: Record<string, Organ['type']> = {
  packages: 'package',
  apps: 'cli',
  devShells: 'dev-shell',
  overlays: 'overlay',
  nixosModules: 'nixos-module',
  homeModules: 'home-manager-module',
  homeManagerModules: 'home-manager-module',
};

/**
 * The outputs that are this genome's parts: not those whose value is only a name from an input
 * (`overlays.nur = inputs.nur.overlay;`, `nixosModules.hm = home-manager.nixosModules.default;`),
 * which re-export another flake's part (FlakeOutputDecl.from_input). `placed` are the outputs as
 * read, `outputs` their entries (placed first, in the same order; then those only evaluation lists).
 */
export function ownOutputs(outputs: Output[], placed: readonly PlacedOutput[]): Output[] {
  return outputs.filter((_o, i) => placed[i]?.decl.from_input === undefined);
}

/**
 * One organ per thing: modules are keyed by their source file, everything else by type and
 * name. When two findings describe the same organ, the more specific source wins: a package
 * directory over a flake output, a named flake output over a module that only declares options.
 */
const DEFAULT_IS_ORGAN = new Set(['devShells', 'overlays']);

/** `foreign`: a path of another genome (inNestedFlake), whose modules are none of this one's organs. */
export function genomeOrgans(
  flakeFile: string | undefined,
  outputs: Output[],
  modules: ModuleOrgans[],
  genome: GenomeLayout,
  packageDirs: Organ[],
  foreign: (path: string) => boolean,
): Organ[] {
  const found = new Map<string, { organ: Organ; rank: number }>();
  const add = (organ: Organ, rank: number): void => {
    const moduleType = organ.type === 'nixos-module' || organ.type === 'home-manager-module';
    const key = moduleType ? `${organ.type}\u0000${organ.source}` : `${organ.type}\u0000${organ.name}`;
    const prev = found.get(key);
    if (!prev || rank < prev.rank) found.set(key, { organ, rank });
  };
  for (const o of outputs) {
    const type = OUTPUT_TYPES[o.category];
    if (!type || o.name === null || !o.static) continue;
    // `packages.default`/`apps.default` usually alias another output; a default shell or overlay
    // is often the only one, so it is an organ of its own.
    if (o.name === 'default' && !DEFAULT_IS_ORGAN.has(o.category)) continue;
    const name = o.name === 'default' ? `${o.category}.default` : o.name;
    // A path is written in the output's file: flake.nix, or a flake-parts module it imports.
    const from = o.file ?? flakeFile;
    const target = o.value_path && from ? resolveNixPath(from, o.value_path, genome) : undefined;
    const source = target && target.kind !== 'external' ? target.path : undefined;
    const written = o.file ?? 'flake.nix';
    // `line` is a line of `source`: an output naming another file says where it is written instead.
    const elsewhere = source !== undefined && source !== written;
    const detected_by = elsewhere ? `flake output ${o.attr} at ${written}:${o.line}` : `flake output ${o.attr}`;
    add({ name, type, source: source ?? written, line: elsewhere ? null : o.line, detected_by }, source ? 1 : 3);
  }
  for (const m of modules) {
    if (foreign(m.path)) continue;
    for (const o of m.organs) add(o, 2);
  }
  for (const o of packageDirs) add(o, 0);
  return [...found.values()].map((f) => f.organ).sort((a, b) => byCodeUnit(a.type, b.type) || byCodeUnit(a.name, b.name) || byCodeUnit(a.source, b.source));
}

/**
 * Directories below the root with their own flake.nix hold another genome (e.g. examples/): true
 * for a path in one. Made once per assembly (a pass over every file), for the organs and the
 * module classes alike.
 */
export function inNestedFlake(genome: GenomeLayout): (path: string) => boolean {
  const dirs = genome.files().filter((rel) => rel.endsWith('/flake.nix')).map((rel) => rel.slice(0, -'flake.nix'.length));
  return (path) => dirs.some((d) => path.startsWith(d));
}

/** A module file and the organs it defines (moduleOrgans). */
export interface ModuleOrgans {
  path: string;
  organs: Organ[];
}

/**
 * The organs one module defines, in the order genomeOrgans weighs them: what its options and
 * systemd settings make, then the Home Manager modules it assigns to users. Computed by the
 * thread that read the module (file-facts.ts).
 */
export function moduleOrgans(m: Module, analysis: NixModuleFacts, layout: GenomeLayout): Organ[] {
  const out: Organ[] = [];
  const add = (o: Organ): void => {
    out.push(o);
  };
  optionAndUnitOrgans(m, analysis.shared_config ?? [], add);
  homeModuleOrgans(m.path, analysis.home_modules ?? [], layout, undefined, add);
  return out;
}

/**
 * The type a module file's organ has before the genome is assembled: a file under a `home/`
 * directory is taken for a Home Manager module. The assembly then types it by what reads it
 * (typedModuleOrgans), and keeps this for a file no walk of the import graph reaches.
 */
export function underHomeDir(path: string): boolean {
  return path.startsWith('home/') || path.includes('/home/');
}

/**
 * `shared`: the settings of the modules written in place in `home-manager.sharedModules`
 * (NixModuleFacts.shared_config), whose user units are organs as a user's module written in place
 * gives them.
 */
function optionAndUnitOrgans(m: Module, shared: readonly NixSetting[], add: (o: Organ) => void): void {
  if (m.options.length) {
    const name = commonPrefix(m.options.map((o) => o.path)) || posix.basename(m.path, '.nix');
    const type = underHomeDir(m.path) ? 'home-manager-module' : 'nixos-module';
    add({ name, type, source: m.path, line: m.options[0]!.line, detected_by: `options declared in ${m.path}` });
  }
  const sources: UnitSource[] = [{ settings: m.config, where: m.path }];
  if (shared.length) sources.push({ settings: unitSettings(shared), where: `home-manager.sharedModules in ${m.path}`, home: true });
  unitOrgans(m.path, sources, add);
}

/**
 * The Home Manager modules handed over outside module files (homeHandovers): by the modules
 * written inline in the hosts' module lists (the home-manager manual's flake puts
 * `{ home-manager.users.jdoe = ./home.nix; }` there), and by standalone configurations
 * (`homeConfigurations.jdoe = homeManagerConfiguration { modules = [ ./home.nix ]; }`).
 */
export function handoverOrgans(handovers: readonly HomeHandover[], layout: GenomeLayout): ModuleOrgans[] {
  return handovers.flatMap((h) => {
    const organs: Organ[] = [];
    homeModuleOrgans(h.base, h.refs, layout, h.flake, (o) => organs.push(o));
    return organs.length ? [{ path: h.base, organs }] : [];
  });
}

/**
 * The Home Manager modules a module hands over, as the analysis read them (see
 * NixHomeModuleRef): `home-manager.users.<user> = ./home/user.nix;` (or `import …`), what a
 * user's module imports (written as an attrset or a function), and `home-manager.sharedModules`,
 * which every user gets. Each file of the genome is a Home Manager module organ, named by the
 * option that hands it over; paths that are no file of the genome are passed over.
 */
function homeModuleOrgans(rel: string, refs: readonly NixHomeModuleRef[], genome: GenomeLayout, flake: string | undefined, add: (o: Organ) => void): void {
  for (const r of refs) {
    const source = handedOverFile(rel, r, genome, flake);
    if (source === undefined) continue;
    // The line is the assignment's, in `rel`: the organ's own file is the one assigned.
    add({ name: r.via, type: 'home-manager-module', source, line: null, detected_by: `${r.via} at ${rel}:${r.line}` });
  }
}

/**
 * The module organs (NixOS and Home Manager modules) typed by what reads their file
 * (module-classes.ts): a Home Manager module when only Home Manager modules reach it, a NixOS
 * module when only NixOS ones do. A file both reach stays one organ, a NixOS module (the host
 * evaluates it as one) that says it is both: the registry takes two organs of one source for a
 * duplicate. A file no walk reaches keeps the type it was given (underHomeDir).
 */
export function typedModuleOrgans(modules: readonly ModuleOrgans[], classOf: (path: string) => ModuleClass | undefined): ModuleOrgans[] {
  return modules.map((m) => {
    if (!m.organs.some(isModuleOrgan)) return m;
    const organs = m.organs.map((o): Organ => {
      const c = isModuleOrgan(o) ? classOf(o.source) : undefined;
      if (c === undefined) return o;
      if (c === 'home-manager') return { ...o, type: 'home-manager-module' };
      return { ...o, type: 'nixos-module', ...(c === 'both' ? { detected_by: `${o.detected_by}; imported by NixOS and Home Manager modules` } : {}) };
    });
    return { path: m.path, organs };
  });
}

function isModuleOrgan(o: Organ): boolean {
  return o.type === 'nixos-module' || o.type === 'home-manager-module';
}

function commonPrefix(paths: string[]): string {
  const split = paths.map((p) => p.split('.'));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length - 1 && split.every((s) => s[n] === first[n] && s.length > n + 1)) n++;
  return first.slice(0, n).join('.');
}
