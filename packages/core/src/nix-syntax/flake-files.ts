import type { FlakeOutputDecl } from './output-decl.js';
import type { FlakeHostDecl, NixFlakeFacts } from './flake.js';
import { resolveNixPath, type GenomeIndex } from './genome-graph.js';
import type { NixHostSet } from './host-file.js';

/** An output of the flake with the file it is written in (flake.nix, or a file it reads hosts from). */
export interface PlacedOutput {
  decl: FlakeOutputDecl;
  file: string;
  /** The file `decl.home_modules` (and `home_config`) are written in when it is not `file` (a configuration built in another file). */
  home_base?: string;
}

/** A host with where it is named (`file`, its `line`) and the file its module paths are written in (`base`). */
export interface PlacedHost {
  decl: FlakeHostDecl;
  file: string;
  base: string;
}

export interface FlakeReading {
  outputs: PlacedOutput[];
  hosts: PlacedHost[];
  /** The flake-parts modules read (mkFlake's imports, and theirs in turn), in the order read; empty without mkFlake. */
  parts: string[];
}

/** Outputs whose entries are modules, which a file of the genome may list by name (`import ./modules/nixos`). */
const MODULE_OUTPUTS = new Set(['nixosModules', 'homeModules', 'homeManagerModules', 'darwinModules', 'flakeModules']);

/** At most this many files are read across for one flake (`import` chains, flake-parts imports). */
const MAX_FILES = 256;

/**
 * The flake's outputs and hosts, with what it reads from other files of the genome: a set of
 * hosts (`nixosConfigurations = import ./hosts { … }`), one host (`a = import ./hosts/a.nix { … }`),
 * one standalone Home Manager configuration (`homeConfigurations.a = import ./home/a { … }`),
 * and flake-parts modules (`imports = [ ./hosts ]`, and what they import) setting
 * `flake.nixosConfigurations`. Only the per-file facts already made are read (no file is parsed
 * again); a file outside the genome root, missing, read twice (a cycle) or naming no host leaves
 * the output as written in flake.nix: computed.
 */
export function readFlake(index: GenomeIndex, flakeRel: string, flake: NixFlakeFacts): FlakeReading {
  const reader = new CrossFileReader(index);
  reader.seen.add(flakeRel);
  reader.addSet({ outputs: flake.outputs, hosts: flake.hosts }, flakeRel);
  reader.addParts(flake.parts_imports ?? [], flakeRel);
  return { outputs: reader.outputs, hosts: reader.hosts, parts: reader.parts };
}

class CrossFileReader {
  readonly outputs: PlacedOutput[] = [];
  readonly hosts: PlacedHost[] = [];
  readonly parts: string[] = [];
  readonly seen = new Set<string>();

  constructor(private readonly index: GenomeIndex) {}

  /** A file of the genome; for a set or a module (`once`), one not read before (a cycle), within the limit. */
  private target(written: string, fromRel: string, once = true): string | undefined {
    const t = resolveNixPath(fromRel, written, this.index);
    if (t.kind !== 'file' || !once) return t.kind === 'file' ? t.path : undefined;
    if (this.seen.has(t.path) || this.seen.size >= MAX_FILES) return undefined;
    this.seen.add(t.path);
    return t.path;
  }

  /** In the order written: `set.hosts` are its named `nixosConfigurations` outputs, in order. */
  addSet(set: NixHostSet, file: string): void {
    let named = 0;
    for (const o of set.outputs) {
      if (o.category === 'nixosConfigurations' && o.name !== null) {
        const h = set.hosts[named++];
        if (h) this.addHost(h, file);
      }
      const target = o.from_file === undefined || o.category !== 'nixosConfigurations' ? undefined : this.target(o.from_file, file);
      const read = target === undefined ? null : (this.index.analysis(target)?.hosts?.set ?? null);
      if (read) this.addSet(read, target!);
      else if (!this.addModuleIndex(o, file)) this.outputs.push(o.home_file === undefined ? { decl: o, file } : this.homeFrom(o, o.home_file, file));
    }
  }

  /**
   * `nixosModules = import ./modules/nixos;` (also homeModules, homeManagerModules …) where that
   * file lists modules by name and file (NixFileAnalysis.module_index): an output for each, named
   * and placed in that file (its paths are relative to it). False when the output is not such.
   */
  private addModuleIndex(o: FlakeOutputDecl, file: string): boolean {
    if (o.from_file === undefined || o.name !== null || !MODULE_OUTPUTS.has(o.category)) return false;
    const target = this.target(o.from_file, file, false);
    const listed = target === undefined ? undefined : this.index.analysis(target)?.module_index;
    if (!listed) return false;
    const { from_file: _read, ...rest } = o;
    for (const m of listed) {
      this.outputs.push({ decl: { ...rest, name: m.name, attr: `${o.category}.${m.name}`, static: true, line: m.line, col: m.col, value_path: m.path }, file: target! });
    }
    return true;
  }

  /**
   * `homeConfigurations.alice = import ./home/alice { … }`: the modules that file's configuration
   * names, handed over by the output (several outputs may read one file: not a cycle).
   */
  private homeFrom(o: FlakeOutputDecl, written: string, file: string): PlacedOutput {
    const target = this.target(written, file, false);
    const read = target === undefined ? undefined : this.index.analysis(target)?.hosts;
    const home = read?.home;
    const config = read?.home_config;
    if (!home && !config) return { decl: o, file };
    return { decl: { ...o, ...(home ? { home_modules: home.map((r) => ({ ...r, via: o.attr })) } : {}), ...(config ? { home_config: config } : {}) }, file, home_base: target! };
  }

  private addHost(h: FlakeHostDecl, file: string): void {
    // Several hosts may be one file given different arguments: not a cycle (a host is not read further).
    const target = h.from_file === undefined ? undefined : this.target(h.from_file, file, false);
    const one = target === undefined ? null : (this.index.analysis(target)?.hosts?.host ?? null);
    // Named here, built there: the line is the name's, the module paths are the other file's.
    if (one) this.hosts.push({ decl: { ...one, name: h.name, line: h.line }, file, base: target! });
    else this.hosts.push({ decl: h, file, base: file });
  }

  /**
   * flake-parts modules, breadth first through their own `imports`. flake-parts gives each the
   * flake as `self`, so an import through it (`"${self}/parts/x.nix"`, NixImportRef.self_path) is
   * that file of flake.nix's directory (`flakeRel`).
   */
  addParts(imports: string[], flakeRel: string): void {
    const queue = imports.map((written) => ({ written, fromRel: flakeRel }));
    while (queue.length) {
      const { written, fromRel: from } = queue.shift()!;
      const rel = this.target(written, from);
      const a = rel === undefined ? undefined : this.index.analysis(rel);
      if (!a) continue;
      this.parts.push(rel!);
      if (a.hosts?.parts) this.addSet(a.hosts.parts, rel!);
      for (const i of a.module?.imports ?? []) {
        if (i.path !== undefined && !i.dynamic) queue.push({ written: i.path, fromRel: rel! });
        else if (i.self_path !== undefined) queue.push({ written: i.self_path, fromRel: flakeRel });
      }
    }
  }
}
