import { describe, expect, it, vi } from 'vitest';
import { analyzeNixSource } from './analyze.js';
import { SyntaxNode } from './syntax-tree.js';

const MODULE = `# A module in the nixpkgs style: options, then config under mkIf.
{ config, lib, pkgs, ... }:
let
  cfg = config.autopoietic.observation;
  inherit (lib) mkOption mkEnableOption types;
  common = [ ./common.nix ];
in
{
  imports = common ++ [
    ./sub
    ../shared/defaults.nix
    "\${pkgs.path}/nixos/modules/profiles/minimal.nix"
    (import ./generated.nix { inherit lib; })
  ];

  options.autopoietic.observation = {
    enable = mkEnableOption "observation of the running system";
    projectRoots = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "/home/user/projects" ];
      description = ''
        Directories whose files os-introspect samples.
        Paths under \${config.users.users.user.home} work too.
      '';
    };
    "include-history" = lib.mkOption { type = types.bool; default = false; description = "Read shell history."; };
    package = lib.mkPackageOption pkgs "jq" { };
  };

  config = lib.mkIf cfg.enable (lib.mkMerge [
    {
      environment.etc."autopoietic/observation.json".text = builtins.toJSON { project_roots = cfg.projectRoots; };
      systemd.services.autopoietic-observe = {
        description = "Observe";
        serviceConfig.ExecStart = "\${cfg.package}/bin/jq";
      };
    }
    (lib.mkIf config.autopoietic.enable {
      systemd.timers.autopoietic-observe.timerConfig.OnCalendar = lib.mkDefault "hourly";
      networking = { inherit (cfg) hostName; firewall.enable = lib.mkForce false; };
    })
  ]);
}
`;

describe('module facts', () => {
  it('reads options declared with mkOption, mkEnableOption and mkPackageOption', async () => {
    const m = (await analyzeNixSource(MODULE)).module!;
    expect(m.form).toBe('function');
    expect(m.options.map(({ binding: _b, ...o }) => o)).toEqual([
      {
        path: 'autopoietic.observation.enable',
        declared_with: 'mkEnableOption',
        type: 'lib.types.bool',
        default: 'false',
        default_value: false,
        description: '"observation of the running system"',
        description_value: 'Whether to enable observation of the running system.',
        example: null,
      },
      {
        path: 'autopoietic.observation.projectRoots',
        declared_with: 'mkOption',
        type: 'types.listOf types.str',
        default: '[ ]',
        default_value: [],
        example: '[ "/home/user/projects" ]',
        description: "''\n        Directories whose files os-introspect samples.\n        Paths under ${config.users.users.user.home} work too.\n      ''",
      },
      {
        path: 'autopoietic.observation.include-history',
        declared_with: 'mkOption',
        type: 'types.bool',
        default: 'false',
        default_value: false,
        description: '"Read shell history."',
        description_value: 'Read shell history.',
        example: null,
      },
      {
        path: 'autopoietic.observation.package',
        declared_with: 'mkPackageOption',
        type: 'lib.types.package',
        default: 'pkgs.jq',
        description: null,
        description_value: 'The jq package to use.',
        example: null,
      },
    ]);
    expect(m.options[0]!.binding).toMatchObject({ line: 17, col: 5 });
  });

  it('reads descriptions through lib.mdDoc, keeping the source text as written', async () => {
    // nixpkgs 22.11 to 24.05 wrapped most descriptions in lib.mdDoc (the identity on strings).
    const src = `{ lib, ... }: {
  options.svc = {
    enable = lib.mkEnableOption (lib.mdDoc "the service");
    plain = lib.mkEnableOption (mdDoc ''the ''\${x} one'');
    a = lib.mkOption { type = lib.types.str; description = lib.mdDoc "Text *in* Markdown."; };
    b = lib.mkOption { description = mdDoc ''
      Line one.
      Line two.
    ''; example = lib.literalExpression "pkgs.hello"; };
    c = lib.mkOption { description = (lib.mdDoc "parenthesised"); default = 1; };
    d = lib.mkOption { description = lib.mdDoc "interpolated \${x}"; };
    e = lib.mkOption { description = lib.literalMD "not a description wrapper"; };
    f = lib.mkOption { description = lib.mdDoc "a" + "b"; };
  };
}`;
    const m = (await analyzeNixSource(src)).module!;
    expect(m.options.map((o) => [o.path, o.description, o.description_value ?? null])).toEqual([
      ['svc.enable', '(lib.mdDoc "the service")', 'Whether to enable the service.'],
      ['svc.plain', "(mdDoc ''the ''${x} one'')", 'Whether to enable the ${x} one.'],
      ['svc.a', 'lib.mdDoc "Text *in* Markdown."', 'Text *in* Markdown.'],
      ['svc.b', "mdDoc ''\n      Line one.\n      Line two.\n    ''", 'Line one.\nLine two.\n'],
      ['svc.c', '(lib.mdDoc "parenthesised")', 'parenthesised'],
      ['svc.d', 'lib.mdDoc "interpolated ${x}"', null],
      ['svc.e', 'lib.literalMD "not a description wrapper"', null],
      ['svc.f', 'lib.mdDoc "a" + "b"', null],
    ]);
    expect(m.options.find((o) => o.path === 'svc.b')!.example).toBe('lib.literalExpression "pkgs.hello"');
  });

  it('reads options bound in a let and named by a variable or by inherit', async () => {
    const src = `{ lib, ... }:
let
  enable = lib.mkEnableOption "the tool";
  port = lib.mkOption { type = lib.types.port; default = 8080; };
  shared = { level = lib.mkOption { default = "info"; }; };
in {
  options.tool = {
    inherit enable;
    inherit (shared) level;
    listen = port;
    inherit missing;
    inherit (lib) mkOption;
  };
  options.other.port = port;
}`;
    const m = (await analyzeNixSource(src)).module!;
    expect(m.options.map((o) => [o.path, o.declared_with, o.default_value ?? null, o.binding.line])).toEqual([
      ['tool.enable', 'mkEnableOption', false, 8],
      ['tool.level', 'mkOption', 'info', 9],
      ['tool.listen', 'mkOption', 8080, 10],
      ['other.port', 'mkOption', 8080, 14],
    ]);
  });

  it('lists options it cannot read as computed: genAttrs, helpers, imports, unknown names', async () => {
    const src = `{ lib, mkOpts, ... }:
let
  names = [ "a" "b" ];
in {
  options.gen = lib.genAttrs names (n: lib.mkOption { type = lib.types.str; });
  options.svc = {
    enable = lib.mkEnableOption "svc";
    settings = mkOpts "svc";
    fromArgs = mkOpts;
    shared = lib.sharedOptions.port;
    merged = lib.mkIf true (import ./opts.nix { inherit lib; });
  };
  options.plain = lib.mkOption { };
}`;
    const m = (await analyzeNixSource(src)).module!;
    expect(m.options.map((o) => o.path)).toEqual(['svc.enable', 'plain']);
    expect(m.computed_options).toEqual([
      { path: 'gen', expr: 'lib.genAttrs names (n: lib.mkOption { type = lib.types.str; })', line: 5 },
      { path: 'svc.settings', expr: 'mkOpts "svc"', line: 8 },
      { path: 'svc.fromArgs', expr: 'mkOpts', line: 9 },
      { path: 'svc.shared', expr: 'lib.sharedOptions.port', line: 10 },
      { path: 'svc.merged', expr: 'import ./opts.nix { inherit lib; }', line: 11 },
    ]);
    const whole = (await analyzeNixSource('{ lib, ... }: { options = import ./options.nix { inherit lib; }; }')).module!;
    expect(whole.computed_options).toEqual([{ path: '', expr: 'import ./options.nix { inherit lib; }', line: 1 }]);
    expect((await analyzeNixSource(MODULE)).module!.computed_options).toEqual([]);
  });

  it('reads config paths through mkIf, mkMerge, priority wrappers and inherit (x)', async () => {
    const m = (await analyzeNixSource(MODULE)).module!;
    expect(m.config.map((s) => [s.path, s.conditional, s.literal ?? s.value])).toEqual([
      ['environment.etc."autopoietic/observation.json".text', true, 'builtins.toJSON { project_roots = cfg.projectRoots; }'],
      ['systemd.services.autopoietic-observe.description', true, 'Observe'],
      ['systemd.services.autopoietic-observe.serviceConfig.ExecStart', true, '"${cfg.package}/bin/jq"'],
      ['systemd.timers.autopoietic-observe.timerConfig.OnCalendar', true, 'hourly'],
      ['networking.hostName', true, 'inherit (cfg)'],
      ['networking.firewall.enable', true, false],
    ]);
  });

  it('lists config it cannot read as computed: an import, an update with a set not written out, a mkMerge part that is a call', async () => {
    // Shapes from personal configurations: the implementation in a file of its own, and
    // settings added under a condition with lib.optionalAttrs (both gave `config: []`, as if the
    // module set nothing).
    const imported = (await analyzeNixSource('{ config, lib, ... }:\n{\n  config = lib.mkIf config.x.enable (import ./impl.nix { inherit config lib; });\n}\n')).module!;
    expect(imported.config).toEqual([]);
    expect(imported.computed_config).toEqual([{ path: '', expr: 'import ./impl.nix { inherit config lib; }', line: 3 }]);
    const updated = (await analyzeNixSource('{ lib, ... }:\n{\n  config = { a.b = 1; } // import ./more.nix;\n}\n')).module!;
    expect(updated.computed_config).toEqual([{ path: '', expr: '{ a.b = 1; } // import ./more.nix', line: 3 }]);
    const merged = (await analyzeNixSource('{ lib, ... }:\n{\n  config = lib.mkMerge [\n    { a = 1; }\n    (lib.genAttrs [ "b" ] (n: 2))\n  ];\n}\n')).module!;
    expect(merged.config.map((c) => c.path)).toEqual(['a']);
    expect(merged.computed_config).toEqual([{ path: '', expr: 'lib.genAttrs [ "b" ] (n: 2)', line: 5 }]);
    // A value under a named path stays a setting with its source text (it is not lost).
    const named = (await analyzeNixSource('{ ... }:\n{\n  config.services = import ./services.nix;\n}\n')).module!;
    expect(named.config.map((c) => [c.path, c.value])).toEqual([['services', 'import ./services.nix']]);
    expect(named.computed_config).toEqual([]);
    expect((await analyzeNixSource(MODULE)).module!.computed_config).toEqual([]);
  });

  it('lists imports: paths, strings, expressions, and let-bound lists joined with ++', async () => {
    const m = (await analyzeNixSource(MODULE)).module!;
    expect(m.imports.map((i) => [i.kind, i.path ?? null, i.dynamic, i.line])).toEqual([
      ['path', './common.nix', false, 6],
      ['path', './sub', false, 10],
      ['path', '../shared/defaults.nix', false, 11],
      ['string', null, true, 12],
      ['import', './generated.nix', false, 13],
    ]);
  });

  it('reads `import ./x.nix` in imports as ./x.nix, with arguments or not, as a host module list does', async () => {
    // `imports = [ (import ./x.nix) ]` was one dynamic entry, x.nix missing from the import graph.
    const src = `{ lib, ... }: {
  imports = [
    (import ./a.nix)
    (import ./b.nix { inherit lib; })
    ((import ./c) lib)
    (import "\${./d}/x.nix")
    (import ./\${name}.nix)
    (f ./e.nix)
  ];
}`;
    const m = (await analyzeNixSource(src)).module!;
    expect(m.imports.map((i) => [i.kind, i.path ?? null, i.dynamic])).toEqual([
      ['import', './a.nix', false],
      ['import', './b.nix', false],
      ['import', './c', false],
      ['expression', null, true],
      ['expression', null, true],
      ['expression', null, true],
    ]);
  });

  it('reads mkPackageOption as nixpkgs builds it: the default is the package at the attribute path, shown as pkgs.<path>', async () => {
    const src = `{ lib, pkgs, ... }: {
  options.p = {
    a = lib.mkPackageOption pkgs "hello" { };
    b = lib.mkPackageOption pkgs "GHC" { default = [ "haskellPackages" "ghc" ]; example = [ "ghc94" ]; };
    c = lib.mkPackageOption pkgs [ "python3Packages" "pytest" ] { extraDescription = "For tests."; };
    d = lib.mkPackageOption pkgs "coreutils" { default = null; };
    e = lib.mkPackageOption pkgs "dbus" { nullable = true; default = null; };
    f = lib.mkPackageOption pkgs.javaPackages "OpenJFX" { default = "openjfx20"; pkgsText = "pkgs.javaPackages"; example = "pkgs.jdk"; };
    g = lib.mkPackageOption pkgs name { };
  };
}`;
    const m = (await analyzeNixSource(src)).module!;
    expect(m.options.map((o) => [o.path, o.type, o.default, 'default_value' in o ? o.default_value : 'absent', o.description_value ?? null, o.example])).toEqual([
      ['p.a', 'lib.types.package', 'pkgs.hello', 'absent', 'The hello package to use.', null],
      ['p.b', 'lib.types.package', 'pkgs.haskellPackages.ghc', 'absent', 'The GHC package to use.', 'pkgs.ghc94'],
      ['p.c', 'lib.types.package', 'pkgs.python3Packages.pytest', 'absent', 'The pytest package to use. For tests.', null],
      ['p.d', 'lib.types.package', null, 'absent', 'The coreutils package to use.', null],
      ['p.e', 'lib.types.nullOr lib.types.package', 'null', null, 'The dbus package to use.', null],
      ['p.f', 'lib.types.package', 'pkgs.javaPackages.openjfx20', 'absent', 'The OpenJFX package to use.', 'pkgs.jdk'],
      ['p.g', 'lib.types.package', 'name', 'absent', null, null],
    ]);
  });

  it('lists a computed part of imports as one dynamic entry (map over names, a call after ++)', async () => {
    // Home Manager and personal configurations compute imports: `map (f: ./. + "/${f}") [ … ]`.
    const src = `{ lib, ... }: {
  imports = [ ./a.nix ]
    ++ (map (n: ./services + "/\${n}.nix") [ "x" "y" ])
    ++ lib.optional true ./b.nix;
}`;
    const m = (await analyzeNixSource(src)).module!;
    expect(m.imports.map((i) => [i.kind, i.path ?? null, i.dynamic, i.line])).toEqual([
      ['path', './a.nix', false, 2],
      ['expression', null, true, 3],
      ['expression', null, true, 4],
    ]);
    const bare = (await analyzeNixSource('{ imports = map (f: ./. + "/${f}") [ "git.nix" ]; }')).module!;
    expect(bare.imports.map((i) => [i.kind, i.expr, i.dynamic])).toEqual([['expression', 'map (f: ./. + "/${f}") [ "git.nix" ]', true]]);
  });

  it('reads an option constructor updated with `//` as the option, and lists other shapes as computed', async () => {
    // Personal configurations declare enable options that default to on so
    // (`enable = mkEnableOption "x" // { default = true; };`); they were left out, not even computed.
    const src = `{ config, lib, opts, ... }:
let extra = { description = "Bar, described."; }; in
{
  options.my = {
    foo.enable = lib.mkEnableOption "foo" // { default = true; };
    bar = lib.mkOption { type = lib.types.bool; default = false; } // extra // { example = true; };
    baz = (lib.mkEnableOption "baz") // { default = config.my.foo.enable; };
    qux = if config.my.foo.enable then lib.mkEnableOption "q" else { };
    other = lib.mkOption { } // opts;
    inherit (opts) shared;
  };
}`;
    const m = (await analyzeNixSource(src)).module!;
    expect(m.options.map(({ binding, ...o }) => ({ ...o, line: binding.line }))).toEqual([
      {
        path: 'my.foo.enable',
        declared_with: 'mkEnableOption',
        type: 'lib.types.bool',
        default: 'true',
        default_value: true,
        description: '"foo"',
        description_value: 'Whether to enable foo.',
        example: null,
        line: 5,
      },
      {
        path: 'my.bar',
        declared_with: 'mkOption',
        type: 'lib.types.bool',
        default: 'false',
        default_value: false,
        description: '"Bar, described."',
        description_value: 'Bar, described.',
        example: 'true',
        line: 6,
      },
      {
        // The default is no longer the false mkEnableOption implies, and not a literal.
        path: 'my.baz',
        declared_with: 'mkEnableOption',
        type: 'lib.types.bool',
        default: 'config.my.foo.enable',
        description: '"baz"',
        description_value: 'Whether to enable baz.',
        example: null,
        line: 7,
      },
    ]);
    expect(m.computed_options).toEqual([
      { path: 'my.qux', expr: 'if config.my.foo.enable then lib.mkEnableOption "q" else { }', line: 8 },
      { path: 'my.other', expr: 'lib.mkOption { } // opts', line: 9 },
      { path: 'my.shared', expr: 'inherit (opts) shared', line: 10 },
    ]);
  });

  it('reads options and config through `with e;` and `assert c;` (nixpkgs service modules)', async () => {
    // As nixpkgs' darkhttpd.nix writes its options (`options.services.darkhttpd = with types; { … }`);
    // these were read as no options and no config at all.
    const src = `{ config, lib, pkgs, ... }:
let cfg = config.services.web; in
{
  options.services.web = with lib.types; {
    enable = lib.mkEnableOption "web server";
    port = lib.mkOption { type = port; default = 80; description = "Port."; };
  };
  config = with lib; mkIf cfg.enable (assert cfg.port > 0; {
    environment.systemPackages = with pkgs; [ darkhttpd ];
    systemd.services.web.serviceConfig.DynamicUser = true;
  });
}`;
    const m = (await analyzeNixSource(src)).module!;
    expect(m.options.map((o) => [o.path, o.type, o.default_value])).toEqual([
      ['services.web.enable', 'lib.types.bool', false],
      ['services.web.port', 'port', 80],
    ]);
    expect(m.computed_options).toEqual([]);
    expect(m.config.map((s) => [s.path, s.conditional, s.literal ?? s.value, s.binding.line])).toEqual([
      ['environment.systemPackages', true, 'with pkgs; [ darkhttpd ]', 9],
      ['systemd.services.web.serviceConfig.DynamicUser', true, true, 10],
    ]);
  });

  it('reads the list of `imports = with inputs; [ … ]`', async () => {
    // Flakes' modules import inputs' modules so, next to their own files; it was one dynamic entry.
    const src = '{ inputs, ... }: {\n  imports = with inputs; [\n    ./y.nix\n    home-manager.nixosModules.default\n  ];\n}';
    const m = (await analyzeNixSource(src)).module!;
    expect(m.imports.map((i) => [i.kind, i.path ?? null, i.dynamic, i.line])).toEqual([
      ['path', './y.nix', false, 3],
      ['expression', null, true, 4],
    ]);
  });

  it('reads a quoted name in inherit as the name (inherit "x" y;)', async () => {
    const m = (await analyzeNixSource('{ cfg, ... }: { networking = { inherit (cfg) "hostName" domain; }; }')).module!;
    expect(m.config.map((c) => c.path)).toEqual(['networking.hostName', 'networking.domain']);
  });

  it('places each name of an inherit that spans lines on its own line, as a setting and as an option', async () => {
    const src = [
      '{ lib, pkgs, ... }:',
      'let opts = { level = lib.mkOption { type = lib.types.int; }; }; in {',
      '  options.my = {',
      '    inherit (opts)',
      '      level',
      '      missing;',
      '  };',
      '  config.environment = {',
      '    inherit (pkgs)',
      '      git',
      '      vim;',
      '  };',
      '}',
    ].join('\n');
    const m = (await analyzeNixSource(src)).module!;
    expect(m.config.map((c) => [c.path, c.binding.line, c.binding.col])).toEqual([
      ['environment.git', 10, 7],
      ['environment.vim', 11, 7],
    ]);
    expect(m.options.map((o) => [o.path, o.binding.line])).toEqual([['my.level', 5]]);
    expect(m.computed_options).toEqual([{ path: 'my.missing', expr: 'inherit (opts) missing', line: 6 }]);
  });

  it('treats a bare attrset as config (shorthand module) and skips module keywords', async () => {
    const src = '{ imports = [ ./a.nix ]; meta.maintainers = [ ]; networking.hostName = "h"; services.x = { enable = true; }; }';
    const m = (await analyzeNixSource(src)).module!;
    expect(m.form).toBe('attrset');
    expect(m.config.map((s) => [s.path, s.literal])).toEqual([
      ['networking.hostName', 'h'],
      ['services.x.enable', true],
    ]);
    expect(m.imports.map((i) => i.path)).toEqual(['./a.nix']);
  });

  it('skips every module keyword in the shorthand form, not only imports and meta', async () => {
    const src = `{
  imports = [ ];
  meta.maintainers = [ ];
  _file = "x.nix";
  key = "k";
  disabledModules = [ "services/x.nix" ];
  _class = "nixos";
  freeformType = null;
  services.y.enable = true;
}`;
    const m = (await analyzeNixSource(src)).module!;
    expect(m.config.map((s) => s.path)).toEqual(['services.y.enable']);
  });

  it('gives value spans that slice the exact source text (for editors)', async () => {
    const src = '{ ... }:\n{\n  autopoietic.identity.host = "héllo😀";\n  autopoietic.identity.roles = [ "a" ];\n}\n';
    const m = (await analyzeNixSource(src)).module!;
    const roles = m.config.find((s) => s.path === 'autopoietic.identity.roles')!;
    expect(src.slice(roles.value_span!.start, roles.value_span!.end)).toBe('[ "a" ]');
    expect(roles.value_span).toMatchObject({ line: 4, col: 32 });
    const host = m.config.find((s) => s.path === 'autopoietic.identity.host')!;
    expect(src.slice(host.value_span!.start, host.value_span!.end)).toBe('"héllo😀"');
  });

  it('reads a module whose whole value is `mkIf c { … }` or `mkMerge [ … ]` as config, each setting conditional under mkIf', async () => {
    const gated = await analyzeNixSource('{ lib, config, ... }:\nlib.mkIf config.x.enable {\n  hardware.bluetooth.enable = true;\n  imports = [ ./no.nix ];\n  services.y = { port = 1; };\n}\n');
    expect(gated.module).toMatchObject({ form: 'function', options: [], imports: [] });
    expect(gated.module!.config.map((s) => [s.path, s.conditional, s.binding.line])).toEqual([
      ['hardware.bluetooth.enable', true, 3],
      ['services.y.port', true, 5],
    ]);
    const merged = await analyzeNixSource('{ lib, ... }: lib.mkMerge [ { a.b = 1; } (lib.mkIf true { c = 2; }) (import ./x.nix) ]');
    expect(merged.module!.config.map((s) => [s.path, s.conditional])).toEqual([
      ['a.b', false],
      ['c', true],
    ]);
    expect(merged.module!.computed_config.map((c) => c.expr)).toEqual(['import ./x.nix']);
  });

  it('reads a shorthand module without looking up the node of each setting (a search through its siblings each: quadratic)', async () => {
    const src = `{ lib, ... }: { ${Array.from({ length: 2000 }, (_, i) => `a${i} = ${i};`).join(' ')} }`;
    const search = vi.spyOn(SyntaxNode.prototype, 'descendantForIndex');
    try {
      const m = (await analyzeNixSource(src)).module!;
      expect(m.config).toHaveLength(2000);
      expect(search).not.toHaveBeenCalled();
    } finally {
      search.mockRestore();
    }
  });

  it('reads `a // b` of attrsets and `optionalAttrs c { … }` as their settings: a later operand replaces a name whole, or makes it conditional', async () => {
    const src = `{ lib, cfg, ... }:
{
  nix = {
    settings.cores = 0;
    gc.automatic = true;
  } // lib.optionalAttrs cfg.x { channel.enable = false; gc = { dates = "weekly"; }; };
  services.a = { enable = true; port = 1; } // { port = 2; } // base;
  systemd.services.b.serviceConfig = { User = "b"; } // { Group = "b"; };
  environment.variables = lib.optionalAttrs cfg.y { FOO = "1"; };
  boot = lib.mkMerge [ ({ a = 1; } // { b = 2; }) ];
}`;
    const m = (await analyzeNixSource(src)).module!;
    expect(m.config.map((s) => [s.path, s.conditional, s.literal ?? s.value])).toEqual([
      ['nix.settings.cores', false, 0],
      ['nix.gc.automatic', true, true],
      ['nix.channel.enable', true, false],
      ['nix.gc.dates', true, 'weekly'],
      ['services.a', false, '{ enable = true; port = 1; } // { port = 2; } // base'],
      ['systemd.services.b.serviceConfig.User', false, 'b'],
      ['systemd.services.b.serviceConfig.Group', false, 'b'],
      ['environment.variables.FOO', true, '1'],
      ['boot.a', false, 1],
      ['boot.b', false, 2],
    ]);
    const replaced = (await analyzeNixSource('{ ... }: { config.x = { a.b = 1; c = 1; } // { a.d = 2; }; }')).module!;
    expect(replaced.config.map((s) => s.path)).toEqual(['x.c', 'x.a.d']);
  });

  it('keeps a setting whose value is an empty attrset (users.groups.docker = { };) as a setting', async () => {
    const m = (await analyzeNixSource('{ ... }: {\n  users.groups.docker = { };\n  users.groups = { wheel = { /* none */ }; };\n  users.users.a = { isNormalUser = true; };\n}\n')).module!;
    expect(m.config.map((s) => [s.path, s.value, s.binding.line])).toEqual([
      ['users.groups.docker', '{ }', 2],
      ['users.groups.wheel', '{ /* none */ }', 3],
      ['users.users.a.isNormalUser', 'true', 4],
    ]);
  });

  it('is null for an overlay or another function of two arguments (final: prev: { … }); a module of one argument is read', async () => {
    for (const src of ['self: super: { vim = super.vim.override { }; }', 'final: prev: (final.lib.mkIf true { x = 1; })', '(a: (b: { services.x.enable = true; }))']) {
      expect((await analyzeNixSource(src)).module).toBeNull();
    }
    expect((await analyzeNixSource('args: { services.x.enable = true; }')).module!.config.map((s) => s.path)).toEqual(['services.x.enable']);
  });

  it('is null for an attrset of helpers (a top-level value that is a function), but not for a flake-parts module or a nested function value', async () => {
    const lib = '{ inputs, ... }:\nlet inherit (inputs.nixpkgs.lib) nixosSystem; in\n{\n  importAttrset = path: builtins.mapAttrs (_: import) (import path);\n  version = "1";\n  mkSystem = { hostname }: nixosSystem { modules = [ ./hosts/${hostname} ]; };\n}\n';
    expect((await analyzeNixSource(lib)).module).toBeNull();
    const parts = (await analyzeNixSource('{ ... }: { perSystem = { pkgs, ... }: { packages.x = 1; }; imports = [ ./a.nix ]; }')).module!;
    expect(parts.imports.map((i) => i.path)).toEqual(['./a.nix']);
    const nested = (await analyzeNixSource('{ ... }: { nixpkgs.config.allowUnfreePredicate = pkg: true; }')).module!;
    expect(nested.config.map((s) => s.path)).toEqual(['nixpkgs.config.allowUnfreePredicate']);
  });

  it('is null for files whose value is not an attrset (package expressions)', async () => {
    const a = await analyzeNixSource('{ stdenv }: stdenv.mkDerivation { name = "x"; }');
    expect(a.module).toBeNull();
    expect(a.flake).toBeNull();
  });
});
