import { posix } from 'node:path';
import type { NixFileAnalysis } from './analyze.js';
import type { FlakeModuleRef } from './flake.js';
import { readFlake, type FlakeReading, type PlacedHost, type PlacedOutput } from './flake-files.js';
import type { NixSetting } from './settings.js';
import type { NixHomeModuleRef } from './home-modules.js';

/**
 * The genome as files: what the module graph, the hosts and identity need to know. Paths are
 * relative to the genome root, with `/` separators. Both os-introspect (everything already parsed
 * in a worker pool) and install-plan (reads a few files on demand) implement it.
 */
export interface GenomeIndex {
  analysis(rel: string): NixFileAnalysis | undefined;
  kind(rel: string): 'file' | 'dir' | undefined;
  /** Names in a directory (for the `hosts/<name>/` convention); undefined when it does not exist. */
  children(relDir: string): string[] | undefined;
}

export type ImportTarget =
  | { kind: 'file'; path: string }
  | { kind: 'missing'; path: string }
  | { kind: 'external'; reason: string };

/** Where a path written in `fromRel` (`./a.nix`, `../../modules`) points; directories mean default.nix. */
export function resolveNixPath(fromRel: string, written: string, index: GenomeIndex): ImportTarget {
  if (written.startsWith('/') || written.startsWith('<') || written.startsWith('~')) return { kind: 'external', reason: `outside the genome: ${written}` };
  const joined = joinRel(fromRel, written);
  if (joined === '..' || joined.startsWith('../')) return { kind: 'external', reason: `outside the genome root: ${written}` };
  const rel = joined === '.' ? '' : joined.replace(/\/$/, '');
  const k = index.kind(rel);
  if (k === 'dir') {
    const d = rel ? `${rel}/default.nix` : 'default.nix';
    return index.kind(d) === 'file' ? { kind: 'file', path: d } : { kind: 'missing', path: d };
  }
  return k === 'file' ? { kind: 'file', path: rel } : { kind: 'missing', path: rel };
}

/** `./a/b.nix` has nothing to normalise: the common case is joined without posix.normalize. */
const SIMPLE_RELATIVE = /^\.\/(?:(?!\.\.?(?:\/|$))[^/]+\/)*(?!\.\.?$)[^/]+$/;

function joinRel(fromRel: string, written: string): string {
  if (SIMPLE_RELATIVE.test(written)) {
    const cut = fromRel.lastIndexOf('/');
    return cut < 0 ? written.slice(2) : `${fromRel.slice(0, cut)}/${written.slice(2)}`;
  }
  return posix.normalize(posix.join(posix.dirname(fromRel), written));
}

/** A host of the genome: from `nixosConfigurations` in flake.nix, or the `hosts/<name>/` layout. */
export interface GenomeHost {
  name: string;
  source: 'flake' | 'convention';
  file: string;
  line: number | null;
  system: string | null;
  /** Module files listed for the host (resolved), in order. */
  modules: string[];
  /** Module list entries that are not files of this genome (inputs, computed expressions). */
  external_modules: string[];
  modules_static: boolean;
  /** Settings made by modules written inline in the flake. */
  inline_config: NixSetting[];
  /** The settings of the modules those inline modules write in place in `home-manager.sharedModules` (every user gets them). */
  inline_shared_config: NixSetting[];
  /** Home Manager modules those inline modules hand over (paths written in `base`). */
  inline_home_modules: NixHomeModuleRef[];
  /** The file the module list, and so the inline modules' paths, are written in. */
  base: string;
}

const CONVENTION_FILES = ['configuration.nix', 'default.nix'];

/**
 * The flake's `nixosConfigurations` when it names them all; the `hosts/<name>/` layout adds the
 * hosts a flake computes (`listToAttrs (map … (readDir ./hosts))`) or a genome without a flake.
 * A flake that names its hosts is trusted as is: `hosts/common/` is then a shared directory.
 */
export function genomeHosts(index: GenomeIndex, flakeRel = 'flake.nix', reading?: FlakeReading): GenomeHost[] {
  const flake = index.analysis(flakeRel)?.flake ?? undefined;
  const read = reading ?? (flake ? readFlake(index, flakeRel, flake) : { outputs: [], hosts: [], parts: [] });
  const fromFlake = read.hosts.map((h) => flakeHost(h, read.outputs, index, flakeRel));
  const computedHosts = read.outputs.filter((o) => o.decl.category === 'nixosConfigurations' && !o.decl.static);
  const computed = !flake?.outputs_static || computedHosts.length > 0 || fromFlake.length === 0;
  if (!computed) return fromFlake;
  const known = new Set(fromFlake.map((h) => h.name));
  // `readDir ./machines` names the directory whose entries are the hosts; `hosts/` otherwise.
  const dirs = computedHosts.flatMap((o) => (o.decl.read_dir === undefined ? [] : [readDirTarget(o.file, o.decl.read_dir)]));
  const conventional = [...new Set(dirs.length ? dirs : ['hosts'])].flatMap((d) => (d === undefined ? [] : conventionHosts(index, d)));
  return [...fromFlake, ...conventional.filter((h) => !known.has(h.name) && known.add(h.name))];
}

/** The genome directory `readDir <dir>` reads, written in `fromRel` (undefined outside the root). */
function readDirTarget(fromRel: string, written: string): string | undefined {
  const joined = joinRel(fromRel, written === '.' ? './.' : written);
  if (joined === '..' || joined.startsWith('../')) return undefined;
  return joined === '.' ? '' : joined;
}

/** `flakeRel`: where paths written through the flake's `self` are relative to (from a flake-parts module too). */
function flakeHost(placed: PlacedHost, outputs: PlacedOutput[], index: GenomeIndex, flakeRel: string): GenomeHost {
  const { decl: h, file, base } = placed;
  const modules: string[] = [];
  const external: string[] = [];
  const inline: NixSetting[] = [];
  const shared: NixSetting[] = [];
  const home: NixHomeModuleRef[] = [];
  const place = (expr: string, ref: { written: string; from: string } | undefined): void => {
    if (ref === undefined) return void external.push(expr);
    const t = resolveNixPath(ref.from, ref.written, index);
    if (t.kind === 'file') modules.push(t.path);
    else external.push(t.kind === 'missing' ? `${expr} (missing: ${t.path})` : expr);
  };
  for (const m of h.modules) {
    if (m.kind === 'inline') {
      // One push per setting: `push(...config)` overflows the stack past ~100,000 settings.
      for (const c of m.config ?? []) inline.push(c);
      for (const c of m.shared_config ?? []) shared.push(c);
      for (const r of m.home_modules ?? []) home.push(r);
      // What an inline module imports is a module of the host as much as what the list names.
      for (const i of m.imports ?? []) place(i.expr, i.path === undefined || i.dynamic ? undefined : { written: i.path, from: i.from_self ? flakeRel : base });
    } else place(m.expr, moduleRefPath(m, outputs, m.from_self ? flakeRel : base));
  }
  return { name: h.name, source: 'flake', file, line: h.line, system: h.system, modules, external_modules: external, modules_static: h.modules_static, inline_config: inline, inline_shared_config: shared, inline_home_modules: home, base };
}

/** A module path as written and the file it is written in; `self.nixosModules.x` resolves to the path that output is defined as. */
function moduleRefPath(m: FlakeModuleRef, outputs: PlacedOutput[], base: string): { written: string; from: string } | undefined {
  if (m.kind === 'path') return m.path === undefined ? undefined : { written: m.path, from: base };
  if (m.kind !== 'output' || !m.output) return undefined;
  const name = m.output.split('.')[1];
  const o = outputs.find((p) => p.decl.category === 'nixosModules' && p.decl.name === name);
  return o?.decl.value_path === undefined ? undefined : { written: o.decl.value_path, from: o.file };
}

/** `hosts/<name>/configuration.nix` (or default.nix), the layout nixos-rebuild users keep; `dir` another such directory. */
function conventionHosts(index: GenomeIndex, dir = 'hosts'): GenomeHost[] {
  const out: GenomeHost[] = [];
  const prefix = dir ? `${dir}/` : '';
  for (const name of (index.children(dir) ?? []).sort()) {
    const file = CONVENTION_FILES.map((f) => `${prefix}${name}/${f}`).find((f) => index.kind(f) === 'file');
    if (!file) continue;
    out.push({ name, source: 'convention', file, line: null, system: null, modules: [file], external_modules: [], modules_static: true, inline_config: [], inline_shared_config: [], inline_home_modules: [], base: file });
  }
  return out;
}

/** Every module file reachable from `roots` through `imports`, breadth first, each once. */
export function importClosure(roots: string[], index: GenomeIndex): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length) {
    const rel = queue.shift()!;
    if (seen.has(rel)) continue;
    seen.add(rel);
    for (const ref of index.analysis(rel)?.module?.imports ?? []) {
      if (ref.path === undefined || ref.dynamic) continue;
      const t = resolveNixPath(rel, ref.path, index);
      if (t.kind === 'file' && !seen.has(t.path)) queue.push(t.path);
    }
  }
  return [...seen];
}

export interface IdentityValues {
  host?: { value: string; file: string; line: number };
  roles?: { value: string[]; file: string; line: number };
}

/** `autopoietic.identity.host` / `.roles` as set (to literals) by a host's modules (`closure`: their import closure, when already known). */
export function hostIdentity(host: GenomeHost, index: GenomeIndex, closure: string[] = importClosure(host.modules, index)): IdentityValues {
  const out: IdentityValues = {};
  const take = (settings: NixSetting[], file: string): void => {
    for (const s of settings) {
      if (s.path === 'autopoietic.identity.host' && typeof s.literal === 'string' && !out.host) out.host = { value: s.literal, file, line: s.binding.line };
      if (s.path === 'autopoietic.identity.roles' && Array.isArray(s.literal) && !out.roles && s.literal.every((r) => typeof r === 'string')) {
        out.roles = { value: s.literal as string[], file, line: s.binding.line };
      }
    }
  };
  // Inline settings are written where the module list is: a host named in flake.nix as
  // `import ./hosts/a.nix { … }` lists its modules in hosts/a.nix.
  take(host.inline_config, host.base);
  for (const f of closure) take(index.analysis(f)?.module?.config ?? [], f);
  return out;
}
