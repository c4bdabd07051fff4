import { describe, expect, it } from 'vitest';
import { repositoryNixFiles } from '../../../../tests/support/nix-corpus.js';
import { analyzeTree } from './analyze.js';
import { loadNixParser } from './parser.js';
import { withNodeReadingOnly } from './tree-source.js';

/**
 * The analysis reads much of a clean tree from its source text (tree-source.ts, entries.ts,
 * binding-source.ts, value-source.ts, callee-source.ts, strings.ts). Each reading must give
 * exactly what reading the nodes gives: these cases compare both on the same source, with the
 * shapes each source reading accepts, refuses, or must not be fooled by.
 */

/**
 * Nix source written in a raw template: `$\{` stands for `${` (a template cannot hold `${`
 * without substituting), so that the Nix text reads as it is, backslashes and all.
 */
function nix(strings: TemplateStringsArray): string {
  return strings.raw.join('').replaceAll('$\\{', '${');
}

const STRINGS = nix`{ config, lib, pkgs, ... }:
{
  options.t = {
    a = lib.mkOption { type = lib.types.str; default = "x\ty\"z\$\{w}"; description = "d $\{config.x} e"; example = ''
      line ''$\{not} '''q''' ''\n
    ''; };
    b = lib.mkEnableOption "the $\{"nested"} thing";
    c = lib.mkEnableOption ''multi $\{x} line'';
    d = lib.mkOption "string arg";
    e = lib.mkPackageOption pkgs "hello" { };
    f = lib.mkOption { default = [ "a" 1 true null [ 2 ] ]; description = ''a $$\{x} b''; };
    g = lib.mkOption { default = -3; description = "$$\{x}"; type = with lib.types; str; };
    h = lib.mkEnableOption enableName;
    i = lib.mkOption { default = "tab\there"; description = "x\$\{y}$\{z}"; };
    j.k = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
  };
  config = {
    s1 = "plain";
    s2 = "esc\\aped\n";
    s3 = "$\{pkgs.hello}/bin/hello";
    s4 = "a $$\{b} c";
    s5 = "a \$\{b} c $\{d}";
    s6 = ''
      indented ''$\{x}
      $\{y}
    '';
    s7 = ''$$'';
    s8 = ''a '''$\{x}''' b'';
    s9 = "$\{f "x"}";
    s10 = "ü $\{x}";
    s11 = ''
	tab	indented
	  more
    '';
    s12 = ''a ''$ b'';
    s13 = "a$";
    s14 = ''$\{x}'';
    s15 = "$\{x}$\{y}";
    s16 = ''a'b'';
    s17 = ''x ''\$\{b} c $\{d}'';
    s18 = ''x ''\$ c'';
    s19 = "x $$\{b} c";
  };
}
`;

const HEADS = nix`{
  a.b.c = 1;
  "quoted key" = 2;
  a."b.c".d = 3;
  "esc\"q" = 4;
  "ü" = 5;
  x /* c */ = 6;
  y = /* c */ 7;
  z = 8 /* c */;
  w = 9 # c
  ;
  "$\{dyn}" = 10;
  a . spaced = 11;
  inherit-x = 12;
  inherit x;
  inherit (y) z1 z2;
  inherit
    q;
  t1 = true; t2 = null; t3 = foo; t4 = foo.bar; t5 = false;
  n1 = 007; n2 = 1.5; n3 = -1; n4 = 1e3; n5 = .5;
  p1 = ./a/b.nix; p2 = ./a/$\{x}.nix; p3 = /abs/p; p4 = ~/h; p5 = <nixpkgs>;
  u1 = https://example.com/x;
  c1 = builtins.toJSON cfg.x;
  c2 = lib.mkDefault true;
  c3 = mkForce "x";
  c4 = f x y z;
  c5 = f"x";
  c6 = f ./x;
  c8 = a.b or c;
  c9 = (f x);
  c10 = f { a = 1; };
  c11 = f { a = { b = 1; }; };
  c12 = mkIf cond { a = 1; };
  c13 = f
    x;
  c14 = lib.mkOverride 10 "x";
  c15 = f { };
  l1 = [ ]; l2 = [ "a" "b" ]; l3 = ["a"]; l4 = [ 1 2.5 ]; l5 = [ a ]; l6 = [ "a" /* c */ ]; l7 = [
    "x"
  ];
  e1 = {}; e2 = { }; e3 = { k = 1; }; e4 = rec { k = 1; j = k; }; e5 = { inherit x; }; e6 = { /* c */ k = 1; };
  e7 = { k = 1; # c
  };
  e8 = let { body = 1; };
  e9 = { a = mkDefault 1; b = "x"; };
  e10 = { a = 1; b = { c = 2; }; };
}
`;

const SCOPES = nix`let
  true = false;
  x = { a = 1; };
  s = "str";
  inherit (lib) mkIf;
in {
  config = {
    a = true;
    b = x;
    c = rec { d = 1; e = d; f = { g = d; }; };
    d = s;
    e = mkIf c { f = 1; };
    g = let y = 2; in y;
    h = { k = true; m = s; };
  };
}
`;

const FLAKE = nix`{
  description = "d";
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
  inputs.hm = { url = "github:a/b"; inputs.nixpkgs.follows = "nixpkgs"; };
  inputs.flake-utils.url = "github:numtide/flake-utils";
  outputs = { self, nixpkgs, hm, ... }@inputs: let system = "x86_64-linux"; in {
    packages.x86_64-linux = { hello = nixpkgs.legacyPackages.x86_64-linux.hello; default = self.packages.x86_64-linux.hello; };
    packages.$\{system}.other = nixpkgs.hello;
    devShells.x86_64-linux.default = nixpkgs.mkShell { };
    nixosConfigurations.h = nixpkgs.lib.nixosSystem { inherit system; modules = [ ./hosts/h { networking.hostName = "h"; autopoietic.identity.roles = [ "a" ]; } hm.nixosModules.default self.nixosModules.m ]; };
    nixosModules.m = import ./m.nix;
    nixosModules.n = { config, ... }: { services.x.enable = true; };
    overlays.default = final: prev: { };
  };
}
`;

const MODULE = nix`# Generated module area1/25 for the os-introspect benchmark.
{ config, lib, pkgs, ... }:
let
  cfg = config.bench.area1.m25;
  inherit (lib) mkIf mkMerge;
in
{
  imports = [ ./m24.nix ../x ];

  options.bench.area1.m25 = {
    enable = lib.mkEnableOption "the area1 25 service";
    setting1 = lib.mkOption {
      type = lib.types.str;
      default = "value-25-1";
      example = "example-1";
      description = ''
        How area1 module 25 uses setting1; see $\{cfg.setting1} for the value in use.
      '';
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      environment.etc."area1/25/setting1".text = builtins.toJSON cfg.setting1;
      systemd.services."area1-m25" = {
        description = "Benchmark service area1 25";
        wantedBy = [ "multi-user.target" ];
        serviceConfig.ExecStart = "$\{pkgs.coreutils}/bin/true";
        script = ''
          echo "starting area1 25" ''$\{escaped}
          exec $\{pkgs.hello}/bin/hello --greeting "$\{cfg.setting1 or "x"}"
        '';
      };
    }
    (mkIf (cfg.setting2 or 0 > 5) { networking.firewall.allowedTCPPorts = [ 8025 ]; })
  ]);
}
`;

const OPTION_FORMS = nix`{ lib, ... }:
let
  enable = lib.mkEnableOption (lib.mdDoc "x");
  port = lib.mkOption { default = 1; description = lib.mdDoc "p"; };
  set = { level = lib.mkOption { description = mdDoc ''l''; }; };
in {
  options.o = {
    inherit enable;
    inherit (set) level;
    p = port;
    a = lib.mkOption { description = lib.mdDoc "a $\{x}"; example = lib.literalExpression "x"; };
    b = lib.mkOption { description = lib.mdDoc ''
      b
    ''; };
    c = lib.mkOption { description = (lib.mdDoc "c"); };
    d = lib.mkOption { description = lib.mdDoc"d"; };
    e = lib.mkEnableOption (mdDoc ''e'');
    f = lib.genAttrs [ "x" ] (n: lib.mkOption { });
    g = mkOpts "g";
    h = unknownName;
    i = lib.shared.opt;
    j = mkOpts { a = 1; };
    k = lib.mkIf c (mkOpts "k");
  };
}
`;

const FLAKE_HOSTS = nix`{
  outputs = { nixpkgs, ... }@inputs: let
    mk = name: nixpkgs.lib.nixosSystem { system = "x86_64-linux"; modules = [ ./hosts/$\{name} { networking.hostName = name; } ]; };
    mk2 = { host, extra ? [ ] }: nixpkgs.lib.nixosSystem { modules = [ ./h/$\{host}.nix ] ++ extra; };
  in inputs.flake-parts.lib.mkFlake { inherit inputs; } ({ withSystem, ... }: {
    flake.nixosConfigurations.a = mk "a";
    flake.nixosConfigurations.b = mk2 { host = "b"; };
    flake.nixosConfigurations.c = withSystem "x" ({ ... }: mk "c");
    flake.darwinConfigurations = nixpkgs.lib.genAttrs [ "d" "e" ] (n: mk2 { host = n; });
  });
}
`;

/** Clean sources (no syntax error), so that the source reading is on for them. */
const CLEAN_CASES: [string, string][] = [
  ['strings', STRINGS],
  ['heads, values and comments', HEADS],
  ['scopes', SCOPES],
  ['flake', FLAKE],
  ['option wrappers and let-bound options', OPTION_FORMS],
  ['flake hosts built by helpers', FLAKE_HOSTS],
  ['benchmark module', MODULE],
  ['CRLF line ends', MODULE.replace(/\n/g, '\r\n')],
  ['tabs', MODULE.replace(/ {2}/g, '\t')],
  ['one line', MODULE.replace(/#[^\n]*\n/, '').replace(/\n\s*/g, ' ')],
  ['leading blank lines', `\n\n   \n${HEADS}`],
  ['deep nesting (past the depth limits)', deeplyNested(30)],
];

/** Options and settings nested `depth` attrsets deep, each level with a value read from the source. */
function deeplyNested(depth: number): string {
  let options = 'lib.mkOption { default = 1; }';
  let settings = '"leaf"';
  for (let i = 0; i < depth; i++) {
    options = `{ o${i} = lib.mkEnableOption "x"; n = ${options}; }`;
    settings = `{ s${i} = ${i}; n = ${settings}; }`;
  }
  return `{ lib, ... }: { options = ${options}; config = ${settings}; }`;
}

/** Characters some readers might take for whitespace (or not): the readings must agree anyway. */
const ODD_SPACE_CASES: [string, string][] = [
  ['no-break space', '{ a =\u00a0"x"; b\u00a0= 1; c = f\u00a0x; d = [\u00a0"x"\u00a0]; }'],
  ['next line', '{ a =\u0085"x"; b = f\u0085.x y; }'],
  ['vertical tab and form feed', '{ a =\u000b1; b =\u000c"x"; c = f\u000cx; }'],
];

async function bothReadings(source: string): Promise<{ source: string; nodes: string; clean: boolean }> {
  const parser = await loadNixParser();
  const read = (): string => parser.withTree(source, (root) => JSON.stringify(analyzeTree(root)));
  return { source: read(), nodes: withNodeReadingOnly(read), clean: parser.withTree(source, (root) => !root.hasError) };
}

describe('reading from the source', () => {
  it.each(CLEAN_CASES)('gives what the nodes give: %s', async (_name, source) => {
    const r = await bothReadings(source);
    expect(r.clean).toBe(true);
    expect(r.source).toBe(r.nodes);
  });

  it.each(ODD_SPACE_CASES)('gives what the nodes give with odd whitespace: %s', async (_name, source) => {
    const r = await bothReadings(source);
    expect(r.source).toBe(r.nodes);
  });

  it("gives what the nodes give for every .nix file of this repository's fixtures and examples", async () => {
    const files = repositoryNixFiles();
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const r = await bothReadings(file.text);
      expect(r.source, file.name).toBe(r.nodes);
    }
  });
});
