import { describe, expect, it } from 'vitest';
import { analyzeNixSource } from '@autopoietic/core/nix-syntax';
import { prettyAt } from '../json-text.js';
import { assemblyView, fileFacts, loadModuleEntryCheck, MODULE_DEPTH } from './file-facts.js';
import { GenomeLayout } from './model.js';
import { moduleEntry } from './structure.js';

const MODULE = `{ config, lib, ... }: {
  imports = [ ./common.nix ./gone.nix ];
  options.services.probe.enable = lib.mkEnableOption "the probe";
  config = lib.mkIf config.services.probe.enable {
    systemd.services.probe.serviceConfig.ExecStart = "probe";
    home-manager.users.ada = ./home/ada.nix;
    autopoietic.identity.host = "aion";
  };
}
`;

const layout = new GenomeLayout(['modules/probe.nix', 'modules/common.nix', 'modules/home/ada.nix', 'flake.nix']);

describe('the facts of one file', () => {
  it('renders the module entry as printed, checks it, and lists its imports and organs', async () => {
    const analysis = await analyzeNixSource(MODULE);
    const facts = fileFacts('modules/probe.nix', analysis, layout, await loadModuleEntryCheck());
    const entry = moduleEntry('modules/probe.nix', analysis.module!, layout);
    expect(Buffer.from(facts.moduleJson!).toString('utf8')).toBe(prettyAt(entry, MODULE_DEPTH));
    expect(facts.invalid).toBeUndefined();
    expect(facts.imports.map((i) => [i.expr, i.status, i.target])).toEqual([
      ['./common.nix', 'file', 'modules/common.nix'],
      ['./gone.nix', 'missing', 'modules/gone.nix'],
    ]);
    expect(facts.organs.map((o) => [o.type, o.name, o.source])).toEqual([
      ['nixos-module', 'services.probe', 'modules/probe.nix'],
      ['systemd-service', 'probe', 'modules/probe.nix'],
      ['home-manager-module', 'home-manager.users.ada', 'modules/home/ada.nix'],
    ]);
  });

  it('gives no organ for a unit the module only switches off, and one for a unit it also configures', async () => {
    const src = `{ lib, ... }: {
  systemd.services.NetworkManager-wait-online.enable = false;
  systemd.services."getty@tty1".enable = lib.mkForce false;
  systemd.timers.probe.enable = false;
  systemd.timers.probe.timerConfig.OnCalendar = "daily";
  systemd.user.services.sync.enable = true;
}
`;
    const facts = fileFacts('modules/probe.nix', await analyzeNixSource(src), layout, await loadModuleEntryCheck());
    expect(facts.organs.map((o) => [o.type, o.name, o.line])).toEqual([
      ['systemd-timer', 'probe.timer', 4],
      ['systemd-service', 'user:sync', 6],
    ]);
  });

  it('gives user units organs named user:<name> (a timer user:<name>.timer), apart from the system unit of that name, also in a user module written in place; not one only switched off', async () => {
    const src = `{ config, lib, ... }: {
  systemd.services.sync.script = "sync";
  systemd.user.services.sync.script = "sync --user";
  systemd.user.timers.sync.timerConfig.OnCalendar = "hourly";
  systemd.user.services.pipewire.enable = false;
  systemd.user.services."mail@".enable = lib.mkForce false;
  home-manager.users.alice.systemd.user.services.mbsync.Service.ExecStart = "mbsync -a";
  home-manager.users.\${config.my.user}.systemd.user.timers.mbsync.Timer.OnCalendar = "*:0/5";
  home-manager.users.bob = { pkgs, ... }: {
    systemd.user.services.backup.Service.ExecStart = "backup";
    systemd.services.not-hm.script = "x";
  };
}
`;
    const facts = fileFacts('modules/probe.nix', await analyzeNixSource(src), layout, await loadModuleEntryCheck());
    expect(facts.organs.map((o) => [o.type, o.name, o.line, o.detected_by])).toEqual([
      ['systemd-service', 'sync', 2, 'systemd.services.sync set in modules/probe.nix'],
      ['systemd-service', 'user:sync', 3, 'systemd.user.services.sync set in modules/probe.nix'],
      ['systemd-timer', 'user:sync.timer', 4, 'systemd.user.timers.sync set in modules/probe.nix'],
      ['systemd-service', 'user:mbsync', 7, 'home-manager.users.alice.systemd.user.services.mbsync set in modules/probe.nix'],
      ['systemd-timer', 'user:mbsync.timer', 8, 'home-manager.users.${config.my.user}.systemd.user.timers.mbsync set in modules/probe.nix'],
      ['systemd-service', 'user:backup', 10, 'home-manager.users.bob.systemd.user.services.backup set in modules/probe.nix'],
    ]);
  });

  it("gives a Home Manager organ for each path a user's module written in place imports, also for a user named by an expression", async () => {
    // `home-manager.users.u = { imports = [ ./u.nix ]; }` gave none; `= ./u.nix` did.
    const src = `{ config, lib, ... }: {
  config = lib.mkIf config.mine.waybar.enable {
    home-manager.users.\${config.mine.username} = { imports = [ ./home/ada.nix ]; };
    home-manager.users.bob = { imports = [ ./home/bob.nix inputs.x.homeModules.default (import ./home/gone.nix) ]; home.stateVersion = "24.05"; };
    home-manager.users.eve.imports = [ (f ./home/ada.nix) ];
  };
}
`;
    const rel = 'modules/probe.nix';
    const facts = fileFacts(rel, await analyzeNixSource(src), new GenomeLayout([rel, 'modules/home/ada.nix', 'modules/home/bob.nix']), await loadModuleEntryCheck());
    expect(facts.organs.map((o) => [o.name, o.source, o.detected_by])).toEqual([
      ['home-manager.users.${config.mine.username}', 'modules/home/ada.nix', 'home-manager.users.${config.mine.username} at modules/probe.nix:3'],
      ['home-manager.users.bob', 'modules/home/bob.nix', 'home-manager.users.bob at modules/probe.nix:4'],
    ]);
  });

  it('marks an entry its validator refuses, naming the file', async () => {
    const refuse = Object.assign(() => false, { errors: [{ instancePath: '/options/0/path', message: 'must be string' }] });
    const facts = fileFacts('modules/probe.nix', await analyzeNixSource(MODULE), layout, refuse);
    expect(facts.invalid).toBe('modules/probe.nix/options/0/path: must be string');
  });

  it('has nothing to add for a file that is not a module', async () => {
    const check = await loadModuleEntryCheck();
    expect(fileFacts('flake.nix', await analyzeNixSource('{ outputs = _: { }; }'), layout, check)).toEqual({ imports: [], organs: [] });
    expect(fileFacts('x.nix', await analyzeNixSource('1 + 1'), layout, check)).toEqual({ imports: [], organs: [] });
    expect(fileFacts('bin.nix', undefined, layout, check)).toEqual({ imports: [], organs: [] });
  });

  it('sends the main thread only the identity settings, imports and Home Manager modules of a module', async () => {
    const analysis = await analyzeNixSource(MODULE);
    const view = assemblyView(analysis);
    expect(view.module?.options).toEqual([]);
    expect(view.module?.config.map((s) => s.path)).toEqual(['autopoietic.identity.host']);
    expect(view.module?.imports).toEqual(analysis.module?.imports);
    // The walk from the Home Manager modules handed over starts there (module-classes.ts).
    expect(view.module?.home_modules).toEqual([{ via: 'home-manager.users.ada', path: './home/ada.nix', line: 6 }]);
    expect(view.syntax).toBe(analysis.syntax);
  });
});
