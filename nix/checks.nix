# Checks that need no KVM: the package's own tests, formatting, schema drift and evaluation tests
# of the NixOS modules (tests/modules). The VM checks live in tests/vm.
{
  pkgs,
  tools,
  autopoieticModule,
  # Directories (relative to the repository root) whose .nix files are test data, not formatted.
  unformattedDirs,
}:
let
  inherit (pkgs) lib;

  nixFiles = lib.fileset.fileFilter (file: file.hasExt "nix") ../.;
  unformatted = lib.fileset.unions (map (dir: ../. + "/${dir}") unformattedDirs);
  nixSources = lib.fileset.toSource {
    root = ../.;
    fileset = lib.fileset.difference nixFiles unformatted;
  };
in
{
  # Building the package runs the unit tests (checkPhase) and the wrapped CLIs (installCheckPhase).
  tools-unit = tools;

  nix-format =
    pkgs.runCommand "nix-format"
      {
        nativeBuildInputs = [ pkgs.nixfmt ];
      }
      ''
        cd ${nixSources}
        find . -name '*.nix' -print0 | sort -z | xargs -0 nixfmt --check
        touch "$out"
      '';

  # memory/*.schema.json must be exactly what the zod schemas generate (`pnpm schemas`).
  schemas = pkgs.stdenv.mkDerivation {
    name = "schemas-drift";
    inherit (tools) src pnpmDeps;
    strictDeps = true;
    nativeBuildInputs = [
      tools.passthru.nodejs
      tools.passthru.pnpm
      pkgs.pnpmConfigHook
      pkgs.autoPatchelfHook
    ];
    # tsx runs the generator through esbuild's native binary.
    buildInputs = [ pkgs.stdenv.cc.cc.lib ];
    buildPhase = ''
      runHook preBuild
      autoPatchelf node_modules/.pnpm
      cp -r memory "$TMPDIR/committed"
      pnpm run schemas
      if ! diff -ru "$TMPDIR/committed" memory; then
        echo "memory/*.schema.json is stale: run 'pnpm schemas' and commit the result" >&2
        exit 1
      fi
      runHook postBuild
    '';
    installPhase = ''
      touch "$out"
    '';
  };
}
// import ../tests/modules { inherit pkgs autopoieticModule; }
