// A generated genome for the os-introspect benchmark: many hosts and modules written the way
// nixpkgs modules are (options with mkOption/mkEnableOption, config under mkIf, imports,
// '' strings with interpolation), deterministic for a given size. Every file is valid Nix.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GeneratedTree {
  files: string[];
  bytes: number;
}

/** A small deterministic PRNG (mulberry32), so that runs compare like with like. */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function moduleText(area: string, i: number, next: () => number): string {
  const opts = 2 + Math.floor(next() * 4);
  const options: string[] = [];
  const config: string[] = [];
  for (let k = 0; k < opts; k++) {
    const name = `setting${k}`;
    if (k === 0) {
      options.push(`    enable = lib.mkEnableOption "the ${area} ${i} service";`);
      continue;
    }
    options.push(
      [
        `    ${name} = lib.mkOption {`,
        `      type = lib.types.${k % 3 === 0 ? 'listOf lib.types.str' : k % 3 === 1 ? 'str' : 'int'};`,
        `      default = ${k % 3 === 0 ? '[ "a" "b" ]' : k % 3 === 1 ? `"value-${i}-${k}"` : String(k * 10)};`,
        `      example = ${k % 3 === 1 ? `"example-${k}"` : String(k)};`,
        `      description = ''`,
        `        How ${area} module ${i} uses ${name}; see \${cfg.${name}} for the value in use.`,
        `      '';`,
        `    };`,
      ].join('\n'),
    );
    config.push(`      environment.etc."${area}/${i}/${name}".text = builtins.toJSON cfg.${name};`);
  }
  return `# Generated module ${area}/${i} for the os-introspect benchmark.
{ config, lib, pkgs, ... }:
let
  cfg = config.bench.${area}.m${i};
  inherit (lib) mkIf mkMerge;
in
{
  imports = [ ${i > 0 ? `./m${i - 1}.nix` : ''} ];

  options.bench.${area}.m${i} = {
${options.join('\n')}
  };

  config = mkIf cfg.enable (mkMerge [
    {
${config.join('\n')}
      systemd.services."${area}-m${i}" = {
        description = "Benchmark service ${area} ${i}";
        wantedBy = [ "multi-user.target" ];
        serviceConfig.ExecStart = "\${pkgs.coreutils}/bin/true";
        script = ''
          echo "starting ${area} ${i}" ''\${escaped}
          exec \${pkgs.hello}/bin/hello --greeting "\${cfg.setting1 or "x"}"
        '';
      };
    }
    (mkIf (cfg.setting2 or 0 > 5) { networking.firewall.allowedTCPPorts = [ ${8000 + i} ]; })
  ]);
}
`;
}

/** Writes about `files` .nix files (areas of modules, hosts importing them, a flake). */
export function generateTree(root: string, files = 3500, seed = 42): GeneratedTree {
  const next = rng(seed);
  const written: string[] = [];
  let bytes = 0;
  const put = (rel: string, text: string) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
    written.push(rel);
    bytes += Buffer.byteLength(text);
  };
  const perArea = 50;
  const areas = Math.ceil((files - 30) / (perArea + 1));
  for (let a = 0; a < areas; a++) {
    const area = `area${a}`;
    for (let i = 0; i < perArea && written.length < files - 30; i++) put(`modules/${area}/m${i}.nix`, moduleText(area, i, next));
    put(`modules/${area}/default.nix`, `{ imports = [ ./m${perArea - 1}.nix ]; }\n`);
  }
  const hosts: string[] = [];
  for (let h = 0; written.length < files - 1; h++) {
    hosts.push(`h${h}`);
    put(`hosts/h${h}/configuration.nix`, `{ ... }:\n{\n  imports = [ ../../modules/area${h % areas} ];\n  networking.hostName = "h${h}";\n  autopoietic.identity.host = "h${h}";\n  autopoietic.identity.roles = [ "bench" ];\n}\n`);
  }
  const configs = hosts.map((h) => `      ${h} = nixpkgs.lib.nixosSystem { system = "x86_64-linux"; modules = [ ./hosts/${h}/configuration.nix ]; };`).join('\n');
  put('flake.nix', `{\n  description = "generated benchmark genome";\n  outputs = { self, nixpkgs }: {\n    nixosConfigurations = {\n${configs}\n    };\n  };\n}\n`);
  return { files: written, bytes };
}
