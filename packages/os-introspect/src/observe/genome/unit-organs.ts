import type { z } from 'zod';
import { renderAttrPath, type GenomeHost, type NixSetting, type PlacedOutput } from '@autopoietic/core/nix-syntax';
import type { GenomeOrgan } from '@autopoietic/core/schemas';
import type { ModuleOrgans } from './organs.js';

/** The systemd units a module's settings define, as organs (organs.ts gathers them with the rest). */
type Organ = z.infer<typeof GenomeOrgan>;

/** A setting as the unit reader needs it: a module entry's `config` item has this shape. */
export interface UnitSetting {
  path: string;
  line: number;
  literal?: unknown;
}

/** The settings of one module, or of modules written in place, whose units are organs of one file. */
export interface UnitSource {
  settings: readonly UnitSetting[];
  /** Where they are set, for `detected_by` (`<attr> set in <where>`). */
  where: string;
  /** Home Manager modules' settings: only user units (`systemd.user.…`) are units there; `systemd.services.x` is no unit. */
  home?: true;
}

/**
 * The units `sources` set, each an organ of `source` at the line of its first setting, once per
 * unit. A unit that is only switched off (`systemd.services.NetworkManager-wait-online.enable =
 * false;`) is another module's unit, not an organ of this one.
 */
export function unitOrgans(source: string, sources: readonly UnitSource[], add: (o: Organ) => void): void {
  const units = new Map<string, { organ: Organ; onlyDisabled: boolean }>();
  for (const { settings, where, home } of sources) {
    for (const s of settings) {
      const path = s.path;
      // Most settings are not units: skip the pattern.
      if (home ? !path.startsWith('systemd.user.') : !path.startsWith('systemd.') && !path.startsWith('home-manager.users.')) continue;
      const unit = systemdUnit(path);
      if (!unit) continue;
      const disables = path === `${unit.attr}.enable` && s.literal === false;
      const key = `${unit.type}\u0000${unit.name}`;
      const seen = units.get(key);
      if (seen) seen.onlyDisabled &&= disables;
      else units.set(key, { organ: { name: unit.name, type: unit.type, source, line: s.line, detected_by: `${unit.attr} set in ${where}` }, onlyDisabled: disables });
    }
  }
  for (const u of units.values()) if (!u.onlyDisabled) add(u.organ);
}

/**
 * The units set by modules written inline, each an organ of the file that holds the module, at the
 * line of each setting, as a module file's units are of that file: the modules of a host's module
 * list (`nixosConfigurations.x = nixosSystem { modules = [ ./hosts/x { systemd.services.foo = …;
 * } ]; }`, also as a function, `({ pkgs, ... }: { … })`, and the modules such a module writes in
 * place in `home-manager.sharedModules`), in flake.nix or the file the host is built in; and the
 * modules of a standalone Home Manager configuration's `modules`
 * (`homeConfigurations.alice = homeManagerConfiguration { modules = [ { systemd.user.services.sync
 * = …; } ]; }`), Home Manager modules, whose units are user units; and a module output written in
 * place (`nixosModules.greeter = { config, lib, ... }: { … systemd.services.greeter = …; };`;
 * `homeModules.x`, `homeManagerModules.x` are Home Manager modules), in the file it is written in.
 */
export function inlineUnitOrgans(hosts: readonly GenomeHost[], outputs: readonly PlacedOutput[]): ModuleOrgans[] {
  const out: ModuleOrgans[] = [];
  const place = (file: string, sources: UnitSource[]): void => {
    const organs: Organ[] = [];
    unitOrgans(file, sources, (o) => organs.push(o));
    if (organs.length) out.push({ path: file, organs });
  };
  for (const h of hosts) {
    if (!h.inline_config.length && !h.inline_shared_config.length) continue;
    const where = `${renderAttrPath(['nixosConfigurations', h.name])} in ${h.base}`;
    const sources: UnitSource[] = [{ settings: unitSettings(h.inline_config), where }];
    if (h.inline_shared_config.length) sources.push({ settings: unitSettings(h.inline_shared_config), where: `home-manager.sharedModules in ${where}`, home: true });
    place(h.base, sources);
  }
  for (const { decl, file, home_base } of outputs) {
    if (decl.home_config) {
      const base = home_base ?? file;
      place(base, [{ settings: unitSettings(decl.home_config), where: `${decl.attr} in ${base}`, home: true }]);
    }
    if (decl.module_config) {
      const home = HOME_MODULE_OUTPUTS.has(decl.category) ? { home: true as const } : {};
      place(file, [{ settings: unitSettings(decl.module_config), where: `${decl.attr} in ${file}`, ...home }]);
    }
  }
  return out;
}

/** Module outputs that are Home Manager modules: only user units are units there. */
const HOME_MODULE_OUTPUTS = new Set(['homeModules', 'homeManagerModules']);

/** The settings of a module's analysis that may be units, as the unit reader takes them (the others are left out unread). */
export function unitSettings(settings: readonly NixSetting[]): UnitSetting[] {
  const out: UnitSetting[] = [];
  for (const s of settings) {
    if (s.path.startsWith('systemd.') || s.path.startsWith('home-manager.users.')) out.push({ path: s.path, line: s.binding.line, literal: s.literal });
  }
  return out;
}

/**
 * A system unit's attribute (`systemd.services.<name>`, `systemd.timers.<name>`), or a user
 * unit's: NixOS's `systemd.user.services.<name>`, the same in a Home Manager module, and in a
 * user's module written in place (`home-manager.users.<user>.systemd.user.timers.<name>`; a user
 * named by `${…}` holds dots). Groups: 1 user, 2 services|timers, 3 the name.
 */
const UNIT_ATTR = /^(?:home-manager\.users\.(?:"[^"]*"|\$\{[^}]*\}|[^.]+)\.(?=systemd\.user\.))?systemd\.(user\.)?(services|timers)\.("[^"]+"|[^.]+)/;

/**
 * The unit a setting's path is in, named as systemctl names it: a service by its name (`sync`;
 * `.service` is the suffix systemctl adds by itself), a timer with its suffix (`sync.timer`), a
 * user unit with `user:` in front (`user:sync`, `user:sync.timer`). Organs are told apart by name
 * in the organ registry (docs/adr/0022-organ-identity.md), and a timer nearly always shares its
 * name with the service it starts; a user unit runs in each user's own systemd manager, beside
 * any system unit of the same name. Under the bare name, one of each pair would be dropped or
 * taken for the other. NixOS's and Home Manager's `systemd.user.services.sync` are one unit of the
 * user manager, so they share the name. A system unit whose own name starts with `user:` or
 * `system:` (systemd allows `:` in a name, `systemd.services."user:sync"`) gets `system:` in
 * front (SCOPED_NAME), and a service whose own name ends in a unit type's suffix
 * (`systemd.services."x.timer"`, the unit `x.timer.service`) keeps its `.service` (TYPE_SUFFIX):
 * systemctl reads `x.timer` as the timer `x`. So no two units share an organ name. Names keep
 * their case: systemd's unit names are case-sensitive, and `Foo` and `foo` are two units.
 */
function systemdUnit(path: string): { name: string; type: Organ['type']; attr: string } | undefined {
  const m = UNIT_ATTR.exec(path);
  if (!m || m[3]!.startsWith('${')) return undefined;
  const name = m[3]!.startsWith('"') ? (JSON.parse(m[3]!) as string) : m[3]!;
  const service = m[2] === 'services';
  const scope = m[1] ? 'user:' : SCOPED_NAME.test(name) ? 'system:' : '';
  const suffix = service ? (TYPE_SUFFIX.test(name) ? '.service' : '') : '.timer';
  return { name: `${scope}${name}${suffix}`, type: service ? 'systemd-service' : 'systemd-timer', attr: m[0] };
}

/**
 * The suffixes systemctl takes for a unit's type (systemd.unit(5)): a name with none is a service.
 * A service whose own name ends in one is named with `.service` after it, which is how systemctl
 * must be given it. Without case, as SCOPED_NAME: `x.Timer` would meet the timer `x` in the organ
 * registry, which compares names so (`x.Timer.service` names the same unit to systemctl).
 */
const TYPE_SUFFIX = /\.(?:service|socket|device|mount|automount|swap|target|path|timer|slice|scope)$/i;

/**
 * A unit name that reads as a scoped one: a system unit so named is named `system:<name>`. Every
 * user unit's organ name starts with `user:`, a system unit's with neither prefix or with
 * `system:`, so the names stay apart. Without case: the organ registry compares names so.
 */
const SCOPED_NAME = /^(?:user|system):/i;
