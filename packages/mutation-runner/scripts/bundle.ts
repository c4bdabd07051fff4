// `pnpm build` step after `tsc -b`: bundles the compiled CLI (dist/bin.js and everything it
// imports, first-party packages and zod/diff/commander alike) into dist/bundle/<id>/, so that a
// command loads a few files instead of ~230 modules (about 70 ms of a `verify` start-up).
// Lazily imported commands stay separate chunks, so `--help` still loads little.
//
// The bundle must behave exactly like the unbundled dist/:
// - every first-party module keeps its own `import.meta.url` (rewritten to the URL of its
//   original file in dist/), so worker scripts, the tree-sitter grammar and pino are found where
//   they always were;
// - packages that locate files next to themselves (web-tree-sitter and its .wasm) stay external,
//   imported from the node_modules of the package that depends on them.
// - zod ships only its English messages (the ones zod uses unless told otherwise): its other
//   locales are a third of the bundle's start-up parsing, and first-party code may not use them
//   (the build fails if it mentions zod's locales).
// dist/bundle/current.json names the bundle and the tsc build-info files it was made from; the
// bin launcher runs the unbundled dist/ when tsc has rebuilt since (a stale bundle never runs).
// Each bundle is a new directory named by its content, and current.json is replaced atomically:
// a build never changes files that a running command may still import (older bundles are
// removed an hour later).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { build, type Plugin } from 'esbuild';

const pkg = join(import.meta.dirname, '..');
const packages = dirname(pkg);
const bundles = join(pkg, 'dist', 'bundle');
/** Where esbuild believes it writes: the same depth as dist/bundle/<id>/, so relative paths hold. */
const outdir = join(bundles, '_');
const KEEP_OLD_MS = 60 * 60 * 1000;
const KEEP_OLD = 4;
/** Bare imports that must load from their own package directory. */
const EXTERNAL = ['web-tree-sitter'];

const posix = (p: string) => p.split(sep).join('/');
const fromOutdir = (file: string) => {
  const rel = posix(relative(outdir, file));
  return rel.startsWith('.') ? rel : `./${rel}`;
};
/** `packages/<name>` holding `file`, or undefined for third-party code. */
const ownerPackage = (file: string) => {
  const rel = relative(packages, file);
  const name = rel.split(sep)[0];
  return rel.startsWith('..') || !name || rel.split(sep).includes('node_modules') ? undefined : join(packages, name);
};

/**
 * First-party modules keep the `import.meta.url` of their file in dist/; and they may not use
 * zod's locales, which the bundle leaves out (see the top of this file).
 */
const firstParty: Plugin = {
  name: 'first-party',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!ownerPackage(args.path)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      const other = /import\.meta(?!\.url\b)/.exec(text);
      if (other) throw new Error(`${args.path}: only import.meta.url is supported in bundled code, found "${text.slice(other.index, other.index + 30)}"`);
      if (/\blocales\b/.test(text.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, ''))) {
        throw new Error(`${args.path} mentions "locales": the bundle ships zod's English messages only (scripts/bundle.ts)`);
      }
      const contents = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOutdir(args.path))}, import.meta.url).href`);
      return { contents, loader: 'js' };
    });
  },
};

/** zod's `locales` namespace holds English only. */
const englishOnlyZod: Plugin = {
  name: 'english-only-zod',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: 'export { default as en } from "./en.js";', loader: 'js' }));
  },
};

/** EXTERNAL packages are imported by relative path from the importing package's node_modules. */
const ownDirectoryExternals: Plugin = {
  name: 'own-directory-externals',
  setup(b) {
    const filter = new RegExp(`^(${EXTERNAL.map((e) => e.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, async (args) => {
      if (args.pluginData === 'own-directory-externals') return undefined;
      const owner = ownerPackage(args.importer);
      if (!owner) throw new Error(`${args.importer}: ${args.path} is only kept external when imported from a workspace package`);
      const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'own-directory-externals' });
      if (resolved.errors.length) return { errors: resolved.errors };
      const link = join(owner, 'node_modules', args.path);
      const inside = relative(realpathSync(link), resolved.path);
      return { path: fromOutdir(join(link, inside)), external: true };
    });
  },
};

const result = await build({
  entryPoints: { bin: join(pkg, 'dist', 'bin.js') },
  outdir,
  write: false,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Less to parse at start-up; with AUTOPOIETIC_DEBUG=1 the launcher maps stack traces back
  // through the source maps.
  minify: true,
  sourcemap: 'linked',
  // Flat: the rewritten import.meta.url and external paths are relative to this directory.
  chunkNames: '[name]-[hash]',
  // Bundled CommonJS (commander) calls require() for Node built-ins.
  banner: { js: "import { createRequire as __aosCreateRequire } from 'node:module'; const require = __aosCreateRequire(import.meta.url);" },
  plugins: [englishOnlyZod, firstParty, ownDirectoryExternals],
  metafile: true,
  absWorkingDir: dirname(packages),
  logLevel: 'warning',
});

const files = result.outputFiles.map((f) => ({ name: posix(relative(outdir, f.path)), contents: f.contents })).sort((a, b) => (a.name < b.name ? -1 : 1));
const digest = createHash('sha256');
for (const f of files) digest.update(`${f.name}\0${f.contents.length}\0`).update(f.contents);
const id = digest.digest('hex').slice(0, 16);
const dir = join(bundles, id);
if (!existsSync(dir)) {
  const tmp = join(bundles, `.tmp-${process.pid}-${id}`);
  for (const f of files) {
    mkdirSync(dirname(join(tmp, f.name)), { recursive: true });
    writeFileSync(join(tmp, f.name), f.contents);
  }
  try {
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dir)) throw e; // else a concurrent build wrote the same bundle
  }
}

// The build-info files of every workspace package that went into the bundle.
const owners = new Set(Object.keys(result.metafile.inputs).map((i) => ownerPackage(join(dirname(packages), i))).filter((o) => o !== undefined));
const inputs = [...owners].sort().map((owner) => {
  const file = join(owner, 'dist', '.tsbuildinfo');
  return { path: posix(relative(join(pkg, 'dist'), file)), mtimeMs: statSync(file).mtimeMs };
});
const current = join(bundles, 'current.json');
writeFileSync(`${current}.${process.pid}`, `${JSON.stringify({ bundle: id, inputs }, null, 2)}\n`);
renameSync(`${current}.${process.pid}`, current);

// Older bundles go after an hour (a command started before this build may still import from
// its own), and beyond the newest KEEP_OLD.
const older = readdirSync(bundles)
  .filter((name) => name !== id && name !== 'current.json')
  .map((name) => ({ path: join(bundles, name), mtimeMs: statSync(join(bundles, name)).mtimeMs }))
  .sort((a, b) => b.mtimeMs - a.mtimeMs);
older.forEach((o, i) => {
  if (i >= KEEP_OLD || Date.now() - o.mtimeMs > KEEP_OLD_MS) rmSync(o.path, { recursive: true, force: true });
});
