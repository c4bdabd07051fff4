# What nix/package.nix's checkPhase runs (the unit tests under packages/*/src that do not import
# tests/support/nix-env.ts), in a Nix build sandbox, from this checkout: no /sys, no network, no
# HOME, a build user, and on PATH only stdenv's tools plus the package's nativeCheckInputs (git,
# util-linux). An approximation for machines without nixpkgs: node and those tools are the host's
# (its /usr is mapped into the sandbox by scripts/with-nix.sh), not the package's. Run it with
# scripts/unit-tests-in-sandbox.
{ checkout, nonce }:
derivation {
  name = "autopoietic-unit-tests-in-sandbox";
  system = "x86_64-linux";
  builder = "/bin/sh";
  inherit nonce;
  args = [
    "-c"
    ''
      set -e
      /usr/bin/mkdir -p /build/bin
      for t in sh bash cat cp mv rm ls mkdir rmdir ln chmod chown touch date env head tail sort \
        uniq wc tr cut tee basename dirname readlink realpath stat find xargs sed grep awk tar \
        gzip bzip2 xz diff cmp patch mktemp sleep true false printf echo test expr id uname od \
        md5sum sha256sum sha1sum seq tac comm join paste split nproc du df mkfifo sync timeout \
        kill node git prlimit setsid unshare setpriv; do
        for d in /usr/bin /bin /usr/sbin /sbin; do
          if [ -e "$d/$t" ]; then /usr/bin/ln -sf "$d/$t" "/build/bin/$t"; break; fi
        done
      done
      export PATH=/build/bin HOME=/homeless-shelter
      mkdir /build/src
      cd "${checkout}"
      tar --exclude=./.git --exclude=./test-artifacts --exclude=./memory/cache -cf - . | (cd /build/src && tar -xf -)
      cd /build/src
      excludes=""
      for f in $(grep -rl --include='*.test.ts' 'support/nix-env' packages/*/src || true); do
        excludes="$excludes --exclude $f"
      done
      node node_modules/vitest/vitest.mjs run $excludes src/ > /build/out.log 2>&1 || { tail -150 /build/out.log; exit 1; }
      tail -6 /build/out.log
      echo ok > "$out"
    ''
  ];
}
