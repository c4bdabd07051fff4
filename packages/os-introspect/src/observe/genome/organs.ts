import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { z } from 'zod';
import { resolveNixPath } from '@autopoietic/core/nix-syntax';
import type { FlakeOutputEntry, GenomeOrgan, ModuleEntry } from '@autopoietic/core/schemas';
import type { ParsedGenome } from './model.js';

/**
 * Organs the genome defines, with the path the organ registry records as their source:
 * flake packages, apps (CLIs), devShells, overlays and NixOS/Home Manager modules; module files
 * that declare options; systemd services and timers set in modules; packages under packages/
 * or pkgs/ (a package.json with `bin` makes CLIs).
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

export function genomeOrgans(root: string, flakeFile: string | undefined, outputs: Output[], modules: Module[], genome: ParsedGenome): Organ[] {
  const found = new Map<string, Organ>();
  const add = (o: Organ): void => {
    const key = `${o.type}\u0000${o.name}\u0000${o.source}`;
    if (!found.has(key)) found.set(key, o);
  };
  for (const o of outputs) {
    const type = OUTPUT_TYPES[o.category];
    if (!type || o.name === null || !o.static || o.name === 'default') continue;
    const target = o.value_path && flakeFile ? resolveNixPath(flakeFile, o.value_path, genome) : undefined;
    const source = target && target.kind !== 'external' ? target.path : (o.file ?? 'flake.nix');
    add({ name: o.name, type, source, line: o.line, detected_by: `flake output ${o.attr}` });
  }
  for (const m of modules) moduleOrgans(m, add);
  for (const o of dirOrgans(root, 'packages')) add(o);
  for (const o of dirOrgans(root, 'pkgs')) add(o);
  return [...found.values()].sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.source.localeCompare(b.source));
}

function moduleOrgans(m: Module, add: (o: Organ) => void): void {
  if (m.options.length) {
    const name = commonPrefix(m.options.map((o) => o.path)) || posix.basename(m.path, '.nix');
    const home = m.path.startsWith('home/') || m.path.includes('/home/');
    add({ name, type: home ? 'home-manager-module' : 'nixos-module', source: m.path, line: m.options[0]!.line, detected_by: `options declared in ${m.path}` });
  }
  for (const s of m.config) {
    const unit = systemdUnit(s.path);
    if (unit) add({ name: unit.name, type: unit.type, source: m.path, line: s.line, detected_by: `${unit.attr} set in ${m.path}` });
  }
}

/** `systemd.services.<name>.…` / `systemd.user.timers.<name>.…` -> the unit. */
function systemdUnit(path: string): { name: string; type: Organ['type']; attr: string } | undefined {
  const m = /^systemd\.(?:user\.)?(services|timers)\.((?:"[^"]+")|[^.]+)/.exec(path);
  if (!m || m[2]!.startsWith('${')) return undefined;
  const name = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
  return { name, type: m[1] === 'services' ? 'systemd-service' : 'systemd-timer', attr: m[0] };
}

function commonPrefix(paths: string[]): string {
  const split = paths.map((p) => p.split('.'));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length - 1 && split.every((s) => s[n] === first[n] && s.length > n + 1)) n++;
  return first.slice(0, n).join('.');
}

/** `packages/<name>/` with a default.nix/package.nix (a package) or a package.json (`bin` -> CLIs). */
function dirOrgans(root: string, dir: string): Organ[] {
  let names: string[];
  try {
    names = readdirSync(join(root, dir), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return [];
  }
  const out: Organ[] = [];
  for (const name of names) {
    const source = `${dir}/${name}`;
    const bins = packageJsonBins(join(root, source, 'package.json'));
    if (bins === undefined) {
      const files = safeList(join(root, source));
      if (files.includes('default.nix') || files.includes('package.nix')) out.push({ name, type: 'package', source, line: null, detected_by: `Nix package in ${source}/` });
      continue;
    }
    if (!bins.length) out.push({ name, type: 'package', source, line: null, detected_by: `${source}/package.json` });
    for (const bin of bins) out.push({ name: bin, type: 'cli', source, line: null, detected_by: `bin of ${source}/package.json` });
  }
  return out;
}

function packageJsonBins(file: string): string[] | undefined {
  let pkg: { bin?: unknown; name?: unknown };
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8')) as typeof pkg;
  } catch {
    return undefined;
  }
  if (typeof pkg.bin === 'string' && typeof pkg.name === 'string') return [pkg.name.replace(/^@[^/]+\//, '')];
  if (pkg.bin && typeof pkg.bin === 'object') return Object.keys(pkg.bin).sort();
  return [];
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
