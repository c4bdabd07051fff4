/**
 * A wrapper for runCliVia (cli.ts) that runs the CLI with `dir` on a fresh tmpfs mounted with
 * `mount` (`ro`, `size=64k`, `nr_inodes=2`), in a private mount namespace: the tmpfs goes with
 * the process, so nothing outlives the test and a full or read-only file system is real. `fill`
 * runs in it before the CLI, `after` after it, before the namespace goes (`$0` is `dir` in both;
 * e.g. `ls -A "$0" > list` to see what the CLI left there). Root gets a private mount namespace; a
 * normal user gets one inside a user namespace of its own (the CLI then runs as its root).
 */
export function onTmpfs(dir: string, mount: string, opts: { fill?: string; after?: string } = {}): string[] {
  const script = `mount -t tmpfs -o ${mount} tmpfs "$0" || exit 99; ${opts.fill ?? ':'}; "$@"; rc=$?; ${opts.after ?? ':'}; exit $rc`;
  const ns = process.getuid?.() === 0 ? ['-m'] : ['--user', '--map-root-user', '--mount'];
  return ['unshare', ...ns, 'sh', '-c', script, dir];
}
