import { describe, expect, it } from 'vitest';
import { analyzeNixSource } from './analyze.js';

describe('host facts of a file a flake may read hosts from', () => {
  it('are read from a file naming nixosSystem: as a set, and as one host', async () => {
    const set = (await analyzeNixSource('{ inputs }: { a = inputs.nixpkgs.lib.nixosSystem { system = "x86_64-linux"; modules = [ ./a.nix ]; }; }')).hosts!;
    expect(set.set!.hosts.map((h) => [h.name, h.line, h.system, h.modules.map((m) => m.path), h.modules_static])).toEqual([['a', 1, 'x86_64-linux', ['./a.nix'], true]]);
    expect(set.host).toBeNull();
    const one = (await analyzeNixSource('{ inputs }:\ninputs.nixpkgs.lib.nixosSystem { modules = [ ./one.nix ]; }')).hosts!;
    expect([one.host!.line, one.host!.modules.map((m) => m.path), one.host!.modules_static]).toEqual([2, ['./one.nix'], true]);
  });

  it('are not made for a set built by a helper from another file (no nixosSystem named): its names stay computed', async () => {
    const src = '{ inputs }:\nlet mkHost = import ../lib/mk-host.nix inputs; in\n{ desk = mkHost { hostname = "desk"; }; }';
    expect((await analyzeNixSource(src)).hosts).toBeUndefined();
  });

  it('are not made for modules, package sets or mixed attrsets', async () => {
    for (const src of [
      '{ config, lib, ... }: { imports = [ ./a.nix ]; services.x.enable = true; }',
      '{ lib, ... }: { a = lib.mkIf true { }; b = lib.mkIf false { }; }',
      '{ pkgs }: { a = pkgs.callPackage ./a { }; b = pkgs.callPackage ./b { }; }',
      '{ a = mkHost "a"; b = mkOther "b"; }',
      '{ a = mkHost "a"; b.c = mkHost "b"; }',
    ]) {
      expect((await analyzeNixSource(src)).hosts, src).toBeUndefined();
    }
  });
});
