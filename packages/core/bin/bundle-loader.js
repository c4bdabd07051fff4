// Shared by the bin launchers of the CLIs (mutation-runner, os-introspect, mutation-journal): runs the CommonJS
// bundle that packages/mutation-runner/scripts/bundle.ts made of a CLI (dist/bundle/<id>/cli.cjs),
// compiled through vm.Script with a V8 code cache, so that a command starts without resolving
// and compiling most of the CLI (about 30 ms of a `verify` start-up, 100 ms of an os-introspect
// run). The bundle runs unless tsc has rebuilt a package it was made from since (a recorded
// build-info file changed, its mtime and its content): then, or without a bundle, dist/ runs as
// compiled. So does
// AUTOPOIETIC_DEBUG=1, with source maps, so that the stack traces it shows name the TypeScript
// sources (the bundle is minified, and Node maps no stack traces of vm-compiled code).
//
// The cache is made at run time, not at build time (V8's caches are not reproducible, and a Nix
// build must be): the first run of each command with a bundle writes one, as this user, to
// $XDG_CACHE_HOME/autopoietic/ (else ~/.cache/autopoietic/; mode 0600, directory 0700), named by
// the CLI, the bundle, the Node version and the command. A cache is only read if it is a regular file
// owned by this user and writable by no one else; V8 itself ignores one that another V8 or other
// flags made. Nothing about the cache can change what a command does: any problem with it means
// the code is compiled as usual.
// CommonJS (bin/package.json), like the launcher: no ES module loader to start.
const { closeSync, constants, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, isAbsolute, join, resolve } = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

/** CLI names, as they prefix their cache files. */
const CLI_NAME = /^[a-z][a-z-]{0,39}$/;

/**
 * The name of the current bundle of the CLI whose compiled output is `dist`, or undefined when
 * there is none or tsc has rebuilt one of its inputs since it was made.
 * @param {string} dist
 */
function currentBundle(dist) {
  let current;
  try {
    current = JSON.parse(readFileSync(join(dist, 'bundle', 'current.json'), 'utf8'));
  } catch {
    return undefined; // not bundled
  }
  if (!/^[0-9a-f]{16}$/.test(current.bundle)) return undefined;
  const fresh = current.inputs.every(({ path, mtimeMs, sha256 }) => {
    let st;
    try {
      st = statSync(join(dist, path));
    } catch {
      return true; // an installed package ships no build-info files
    }
    // The mtime settles it without reading the file; when it differs (a rebuild, or a copy of the
    // tree that kept the files but not their sub-millisecond mtimes), the content does.
    return st.mtimeMs === mtimeMs || (typeof sha256 === 'string' && sameDigest(join(dist, path), sha256));
  });
  return fresh ? current.bundle : undefined;
}

/**
 * Whether the file's SHA-256 is `sha256` (hex).
 * @param {string} file
 * @param {string} sha256
 */
function sameDigest(file, sha256) {
  try {
    return require('node:crypto').createHash('sha256').update(readFileSync(file)).digest('hex') === sha256;
  } catch {
    return false;
  }
}

/**
 * What a bin launcher does: runs the current bundle of `cli`, else its compiled dist/bin.js.
 * @param {string} cli the CLI's name
 * @param {string} dist its dist/ directory
 * @param {{ beforeBundle?: (dir: string) => void }} [hooks] `beforeBundle` is called with the
 *   bundle's directory before the bundle is loaded (os-introspect starts a parse worker there)
 */
function launch(cli, dist, hooks = {}) {
  restoreExtraCaCerts(process.env);
  const debug = Boolean(process.env.AUTOPOIETIC_DEBUG);
  const bundle = debug ? undefined : currentBundle(dist);
  if (debug) process.setSourceMapsEnabled(true);
  if (bundle) hooks.beforeBundle?.(join(dist, 'bundle', bundle));
  if (bundle) return runBundle(join(dist, 'bundle', bundle), bundle, process.argv, cli);
  return import(pathToFileURL(join(dist, 'bin.js')).href);
}

/**
 * Puts back the NODE_EXTRA_CA_CERTS that the bin's shell prologue moved aside (see the top of
 * any bin launcher), so that the processes this CLI starts (nix, git, checks, a generator) get
 * the environment the user gave it. Node read the variable at start-up only, so this process
 * still starts without loading the bundle it names (it makes no TLS connections).
 * @param {NodeJS.ProcessEnv} env
 */
function restoreExtraCaCerts(env) {
  const moved = env.AUTOPOIETIC_NODE_EXTRA_CA_CERTS;
  delete env.AUTOPOIETIC_NODE_EXTRA_CA_CERTS;
  if (moved && !env.NODE_EXTRA_CA_CERTS) env.NODE_EXTRA_CA_CERTS = moved;
}

/**
 * Compiles and evaluates the bundle (with `cachedData` when given).
 * @param {string} dir the bundle's directory
 * @param {Buffer | undefined} [cachedData]
 */
function loadBundle(dir, cachedData) {
  const file = join(dir, 'cli.cjs');
  const source = readFileSync(file, 'utf8');
  // The CommonJS module wrapper, so that the bundle sees require, module and __dirname; and an
  // import() of its own (web-tree-sitter is an ES module), since vm.Script code cannot import.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __aosImport) {${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dir, (url) => import(url));
  return {
    /** @type {(argv: string[]) => Promise<void>} */
    main: module.exports.main,
    cacheRejected: script.cachedDataRejected === true,
    cache: () => script.createCachedData(),
  };
}

/**
 * Where the code cache of `command` run from bundle `id` of `cli`, in directory `dir`, lives, or
 * undefined without a usable cache directory.
 *
 * The bundle's directory is part of the name because a V8 code cache keeps the file name of the
 * script it was made from: two checkouts with the same bundle (same id) sharing one cache would
 * give each other's paths in stack traces, profiles and source-map lookups, paths that may no
 * longer exist.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} id
 * @param {string | undefined} command
 * @param {string} cli
 * @param {string} dir the bundle's directory
 */
function codeCacheFile(env, id, command, cli, dir) {
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : undefined);
  if (!base || !isAbsolute(base) || !CLI_NAME.test(cli)) return undefined;
  const name = command && CLI_NAME.test(command) ? command : 'other';
  return join(base, 'autopoietic', `${cli}-${id}-${placeTag(resolve(dir))}-${process.version}-${process.arch}-${name}.v8cache`);
}

/**
 * Eight hex digits naming a directory in a cache file name (32-bit FNV-1a of its path): a tag, not
 * a digest (node:crypto would cost start-up time; a collision only shares a cache).
 * @param {string} path
 */
function placeTag(path) {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The cache's bytes if it is this user's own regular file, writable by no one else.
 * @param {string} file
 */
function readCodeCache(file) {
  let fd;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Creates the cache directory and, if need be, its parent (~/.cache on a new account), each with
 * one plain mkdir: not `recursive: true`, which in Node never returns when mkdir keeps failing
 * with ENOENT under an existing parent (XDG_CACHE_HOME under /proc). Anything else missing means
 * no code cache, which only costs start-up time. (The CLIs themselves use makeDirs in core.)
 * @param {string} dir
 */
function makeCacheDir(dir) {
  const make = (/** @type {string} */ d) => {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
    }
  };
  try {
    make(dir);
  } catch (e) {
    if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'ENOENT') throw e;
    make(dirname(dir));
    make(dir);
  }
}

/**
 * Writes the cache whole (a new file renamed into place), and drops the CLI's caches that are of
 * no more use (dropStaleCodeCaches).
 * @param {string} file
 * @param {Buffer} data
 * @param {string} cli
 */
function writeCodeCache(file, data, cli) {
  try {
    const dir = dirname(file);
    makeCacheDir(dir);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
    dropStaleCodeCaches(dir, file.slice(dir.length + 1), cli);
  } catch {
    // A cache is an optimisation: a read-only or missing home only costs start-up time.
  }
}

/** A cache of another checkout is dropped once unused (not read or written) for this long. */
const CODE_CACHE_UNUSED_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Drops, among the caches of `cli` in `dir` (`mine` just written): those of another bundle of the
 * same directory (an earlier build of this checkout), those of another directory unused for 30
 * days (a checkout that is gone, or idle), and those named before caches were per directory.
 * Another checkout's current caches stay: two worktrees used in turn keep theirs.
 * @param {string} dir
 * @param {string} mine
 * @param {string} cli
 */
function dropStaleCodeCaches(dir, mine, cli) {
  const named = new RegExp(`^${cli}-([0-9a-f]{16})-([0-9a-f]{8})-v\\d.*\\.v8cache$`);
  const unplaced = new RegExp(`^${cli}-[0-9a-f]{16}-v\\d.*\\.v8cache$`);
  const [, id, place] = named.exec(mine) ?? [];
  if (!id) return;
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    const m = named.exec(name);
    let stale = !m && unplaced.test(name);
    if (m && m[2] === place) stale = m[1] !== id;
    else if (m) {
      const st = statSync(join(dir, name), { throwIfNoEntry: false });
      stale = st !== undefined && now - Math.max(st.mtimeMs, st.atimeMs) > CODE_CACHE_UNUSED_MS;
    }
    if (stale) rmSync(join(dir, name), { force: true });
  }
}

/**
 * Runs the bundle's `main` with its code cache, and writes the cache after a successful run
 * without one.
 * @param {string} dir the bundle's directory
 * @param {string} id the bundle's name
 * @param {string[]} argv
 * @param {string} cli the CLI's name
 */
async function runBundle(dir, id, argv, cli) {
  const file = codeCacheFile(process.env, id, argv[2], cli, dir);
  const cached = file ? readCodeCache(file) : undefined;
  const bundle = loadBundle(dir, cached);
  await bundle.main(argv);
  // Made after the run, so that the functions this command used are in it, compiled; and only
  // after a run that succeeded (a failed one may have stopped early, and leaves nothing behind).
  if (file && (!cached || bundle.cacheRejected) && !process.exitCode) writeCodeCache(file, bundle.cache(), cli);
}

exports.loadBundle = loadBundle;
exports.codeCacheFile = codeCacheFile;
exports.readCodeCache = readCodeCache;
exports.writeCodeCache = writeCodeCache;
exports.runBundle = runBundle;
exports.currentBundle = currentBundle;
exports.launch = launch;
exports.restoreExtraCaCerts = restoreExtraCaCerts;
