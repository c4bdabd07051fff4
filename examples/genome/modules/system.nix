# The "system" a host configuration builds: the files it places under /etc, collected into one
# store file, `config.system.build.toplevel`, that the checks inspect. (A real genome gets this
# from nixpkgs; the example keeps it small so that it builds offline with a /bin/sh builder.)
{
  config,
  lib,
  ...
}:
let
  inherit (lib) mkOption types;
  # One line per file: `<path><TAB><content>`, sorted by path, so the smoke check can read it
  # with shell builtins only.
  manifest = builtins.concatStringsSep "" (
    map (path: "${path}\t${config.system.etc.${path}}\n") (builtins.attrNames config.system.etc)
  );
in
{
  options.system = {
    name = mkOption {
      type = types.str;
      default = "autopoietic-example";
      description = "Name of the built system file.";
    };
    etc = mkOption {
      type = types.attrsOf types.str;
      default = { };
      description = "Files placed under /etc, by path relative to /etc.";
    };
    build.toplevel = mkOption {
      type = types.package;
      description = "The built system: a manifest of every /etc file it contains.";
    };
  };

  config.system.build.toplevel = derivation {
    name = config.system.name;
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [
      "-c"
      ''printf '%s' "$manifest" > "$out"''
    ];
    inherit manifest;
  };
}
