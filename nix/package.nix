# The three Autopoietic OS CLIs (os-introspect, mutation-journal, mutation-runner), built from this
# pnpm workspace with nixpkgs' pnpm support (fetchPnpmDeps + pnpmConfigHook).
{
  lib,
  stdenv,
  fetchPnpmDeps,
  pnpmConfigHook,
  pnpm_10,
  nodejs_22,
  makeWrapper,
  autoPatchelfHook,
  git,
  jq,
  util-linux,
}:
let
  # One Node.js for building, testing and running the CLIs. The workspace targets Node.js
  # ^20.19 || >=22.12; nodejs_20 is marked insecure at the pinned nixpkgs (end of life
  # 2026-04-30), so use 22 LTS.
  nodejs = nodejs_22;
  pnpm = pnpm_10.override { inherit nodejs; };

  root = ../.;
  # Only what installs, builds and tests the workspace. Docs, CI files and the Nix genome do not
  # change the tools, so editing them does not rebuild the package. `examples` is test data: the
  # unit test packages/core/src/nix-syntax/source-reading.test.ts reads every .nix file of the
  # fixtures and examples and expects more than ten of them (packages/ alone has three).
  included = [
    ".npmrc"
    "package.json"
    "pnpm-lock.yaml"
    "pnpm-workspace.yaml"
    "tsconfig.base.json"
    "vitest.config.ts"
    "examples"
    "memory"
    "packages"
    "tests/support"
  ];
  # Local build output and installs of a working checkout (visible through `path:` flake refs).
  excludedNames = [
    "node_modules"
    "dist"
    ".probe"
  ];
  keep =
    path: type:
    let
      rel = lib.removePrefix (toString root + "/") (toString path);
      wanted = p: rel == p || lib.hasPrefix "${p}/" rel || lib.hasPrefix "${rel}/" p;
    in
    lib.any wanted included
    && !(lib.elem (baseNameOf rel) excludedNames)
    && !(lib.hasSuffix ".tsbuildinfo" rel)
    && !(lib.hasSuffix ".jsonl" rel);

  clis = [
    "os-introspect"
    "mutation-journal"
    "mutation-runner"
  ];
  workspacePackages = [ "core" ] ++ clis;
  workspaceNodeModules = map (p: "packages/${p}/node_modules") workspacePackages;
in
stdenv.mkDerivation (finalAttrs: {
  pname = "autopoietic-tools";
  version = (lib.importJSON ../package.json).version;

  src = lib.cleanSourceWith {
    name = "autopoietic-tools-source";
    src = root;
    filter = keep;
  };

  # The fixed-output hash lives in one file; scripts/update-pnpm-deps-hash recomputes it.
  pnpmDeps = fetchPnpmDeps {
    inherit (finalAttrs) pname version src;
    inherit pnpm;
    fetcherVersion = 3;
    hash = lib.fileContents ./pnpm-deps-hash.txt;
  };

  strictDeps = true;

  nativeBuildInputs = [
    nodejs
    pnpm
    pnpmConfigHook
    makeWrapper
    autoPatchelfHook
  ];

  # vitest's bundler (rolldown) ships a native addon that links against libstdc++/libgcc_s.
  buildInputs = [ stdenv.cc.cc.lib ];

  buildPhase = ''
    runHook preBuild
    pnpm run build
    runHook postBuild
  '';

  doCheck = true;
  # git for the adapters' tests, util-linux for prlimit (the file-size-limit tests).
  nativeCheckInputs = [
    git
    util-linux
  ];
  # Unit tests sit next to the code (packages/*/src). The ones that import the shared Nix test
  # configuration (tests/support/nix-env.ts) drive a real Nix store, which the build sandbox does
  # not have; CI runs them, and the process-level suites, outside Nix (.github/workflows/ci.yml).
  checkPhase = ''
    runHook preCheck
    autoPatchelf node_modules/.pnpm
    excludes=()
    while IFS= read -r file; do
      excludes+=(--exclude "$file")
    done < <(grep -rl --include='*.test.ts' 'support/nix-env' packages/*/src || true)
    pnpm exec vitest run "''${excludes[@]}" src/
    runHook postCheck
  '';

  installPhase = ''
    runHook preInstall

    # Run time needs the compiled JS and the production dependencies only.
    rm -rf node_modules ${lib.escapeShellArgs workspaceNodeModules}
    pnpm install --offline --prod --ignore-scripts --frozen-lockfile

    libdir=$out/lib/autopoietic-tools
    mkdir -p "$libdir/packages" "$out/bin"
    cp -r package.json node_modules "$libdir/"
    for pkg in ${lib.escapeShellArgs workspacePackages}; do
      mkdir -p "$libdir/packages/$pkg"
      for part in package.json bin dist node_modules; do
        if [ -e "packages/$pkg/$part" ]; then
          cp -r "packages/$pkg/$part" "$libdir/packages/$pkg/"
        fi
      done
      rm -f "$libdir/packages/$pkg/dist/.tsbuildinfo"
    done

    # os-introspect loads only the Nix grammar; the package ships about 40 others (44 MB).
    find "$libdir/node_modules/.pnpm" -path '*/@cursorless/tree-sitter-wasms/out/*.wasm' \
      ! -name tree-sitter-nix.wasm -delete
    # The wrappers name the grammar the tools load (AUTOPOIETIC_NIX_GRAMMAR, read by
    # packages/core/src/nix-syntax/parser.ts): the one in this closure, found once here.
    grammar=$(find "$libdir/node_modules/.pnpm" -path '*/@cursorless/tree-sitter-wasms/out/tree-sitter-nix.wasm')
    if [ "$(wc -l <<< "$grammar")" != 1 ] || [ ! -f "$grammar" ]; then
      echo "expected one tree-sitter-nix.wasm under $libdir/node_modules/.pnpm, found: $grammar" >&2
      exit 1
    fi

    # Each bin starts as a shell script that picks Node's flags (ADR 0023, ADR 0024: under
    # `ulimit -v`, --disable-wasm-trap-handler); here it runs this closure's Node.js.
    for cli in ${lib.escapeShellArgs clis}; do
      substituteInPlace "$libdir/packages/$cli/bin/$cli.js" \
        --replace-fail 'exec node ' 'exec ${lib.getExe nodejs} '
      makeWrapper "$libdir/packages/$cli/bin/$cli.js" "$out/bin/$cli" \
        --set-default AUTOPOIETIC_NIX_GRAMMAR "$grammar"
    done

    runHook postInstall
  '';

  doInstallCheck = true;
  nativeInstallCheckInputs = [ jq ];
  # The wrapped CLIs start and name the grammar, and os-introspect parses with it (nothing else
  # sets AUTOPOIETIC_NIX_GRAMMAR here, so a wrong path would fail the parse below).
  installCheckPhase = ''
    runHook preInstallCheck
    for cli in ${lib.escapeShellArgs clis}; do
      "$out/bin/$cli" --help > /dev/null
      grep -q "AUTOPOIETIC_NIX_GRAMMAR.*$out/lib/autopoietic-tools/.*/tree-sitter-nix\.wasm" "$out/bin/$cli"
    done

    mkdir -p "$TMPDIR/genome"
    echo '{ outputs = _: { }; }' > "$TMPDIR/genome/flake.nix"
    AUTOPOIETIC_ETC_DIR="$TMPDIR/etc" AUTOPOIETIC_MEMORY_DIR="$TMPDIR/memory" \
      "$out/bin/os-introspect" --root "$TMPDIR/genome" > "$TMPDIR/self-state.json"
    jq -e '.genome.nix_files | map(.path + ":" + .parse.status) == ["flake.nix:ok"]' \
      "$TMPDIR/self-state.json" > /dev/null
    # Under an address-space limit too (WebAssembly without its 10 GiB reservations, ADR 0024).
    (
      ulimit -v 4000000
      AUTOPOIETIC_ETC_DIR="$TMPDIR/etc" AUTOPOIETIC_MEMORY_DIR="$TMPDIR/memory-limited" \
        "$out/bin/os-introspect" --root "$TMPDIR/genome" > "$TMPDIR/self-state-limited.json"
    )
    jq -e '.genome.nix_files | map(.path + ":" + .parse.status) == ["flake.nix:ok"]' \
      "$TMPDIR/self-state-limited.json" > /dev/null
    runHook postInstallCheck
  '';

  passthru = {
    inherit nodejs pnpm;
  };

  meta = {
    description = "Autopoietic OS tools: observe the genome, journal mutations, gate proposals";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    mainProgram = "os-introspect";
    platforms = lib.platforms.linux;
  };
})
