// Runs the CommonJS bundle that scripts/bundle.ts made (dist/bundle/<id>/cli.cjs), compiled
// through vm.Script with a V8 code cache, so that a command starts without compiling most of
// the CLI (about 30 ms of a `verify` start-up).
//
// The cache is made at run time, not at build time (V8's caches are not reproducible, and a Nix
// build must be): the first run of each command with a bundle writes one, as this user, to
// $XDG_CACHE_HOME/autopoietic/ (else ~/.cache/autopoietic/; mode 0600, directory 0700), named by
// the bundle, the Node version and the command. A cache is only read if it is a regular file
// owned by this user and writable by no one else; V8 itself ignores one that another V8 or other
// flags made. Nothing about the cache can change what a command does: any problem with it means
// the code is compiled as usual.
// CommonJS (bin/package.json), like the launcher: no ES module loader to start.
const { closeSync, constants, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, isAbsolute, join } = require('node:path');
const vm = require('node:vm');

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
 * Where the code cache of `command` run from bundle `id` lives, or undefined without a usable
 * cache directory.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} id
 * @param {string | undefined} command
 */
function codeCacheFile(env, id, command) {
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : undefined);
  if (!base || !isAbsolute(base)) return undefined;
  const name = command && /^[a-z][a-z-]{0,39}$/.test(command) ? command : 'other';
  return join(base, 'autopoietic', `mutation-runner-${id}-${process.version}-${process.arch}-${name}.v8cache`);
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
 * Writes the cache whole (a new file renamed into place), and drops caches of other bundles.
 * @param {string} file
 * @param {Buffer} data
 */
function writeCodeCache(file, data) {
  try {
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
    const bundle = /^(mutation-runner-[0-9a-f]{16}-)/.exec(file.slice(dir.length + 1))?.[1];
    for (const name of readdirSync(dir)) {
      if (name.startsWith('mutation-runner-') && name.endsWith('.v8cache') && bundle && !name.startsWith(bundle)) rmSync(join(dir, name), { force: true });
    }
  } catch {
    // A cache is an optimisation: a read-only or missing home only costs start-up time.
  }
}

/**
 * Runs the bundle's `main` with its code cache, and writes the cache after a run without one.
 * @param {string} dir the bundle's directory
 * @param {string} id the bundle's name
 * @param {string[]} argv
 */
async function runBundle(dir, id, argv) {
  const file = codeCacheFile(process.env, id, argv[2]);
  const cached = file ? readCodeCache(file) : undefined;
  const bundle = loadBundle(dir, cached);
  await bundle.main(argv);
  // Made after the run, so that the functions this command used are in it, compiled.
  if (file && (!cached || bundle.cacheRejected)) writeCodeCache(file, bundle.cache());
}

exports.loadBundle = loadBundle;
exports.codeCacheFile = codeCacheFile;
exports.readCodeCache = readCodeCache;
exports.writeCodeCache = writeCodeCache;
exports.runBundle = runBundle;
