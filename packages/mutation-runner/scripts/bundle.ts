// `pnpm build` step after `tsc -b`, once per CLI (`bundle.ts <cli>`: mutation-runner, the default,
// os-introspect and mutation-journal; their bin launchers share ../../core/bin/bundle-loader.js): bundles the
// compiled CLI of packages/<cli> (dist/program.js and everything it
// imports, first-party packages and zod/diff/commander alike) into one CommonJS file,
// dist/bundle/<id>/cli.cjs. The bin launcher compiles it through vm.Script with a V8 code cache
// that the first run of each command writes (packages/core/bin/bundle-loader.js): a command starts without
// resolving ~230 modules or compiling most of its code (about 100 ms of a `verify` start-up).
// Commands that are imported lazily in the sources are still evaluated lazily. The bundle itself
// is reproducible (a V8 code cache is not, so none is made here).
//
// The bundle must behave exactly like the unbundled dist/:
// - every first-party module keeps its own `import.meta.url` (rewritten to the URL of its
//   original file in dist/), so worker scripts, the tree-sitter grammar and pino are found where
//   they always were;
// - packages that locate files next to themselves (web-tree-sitter and its .wasm) are imported
//   from the node_modules of the workspace package that depends on them, not bundled;
// - a worker script that a first-party module starts by its URL (`new URL('./<name>-worker.js',
//   import.meta.url)`) is bundled too, into <name>-worker.cjs next to cli.cjs, and the URL points
//   there: a worker then loads one file instead of resolving its modules one by one (about 150 ms
//   of an os-introspect parse worker's start). It runs as Node runs any CommonJS file, so its
//   `import()` of an external package is a real one (no vm.Script, no code cache);
// - zod ships only its English messages (the ones zod uses unless told otherwise): its other
//   locales are a third of its code, and first-party code may not use them (the build fails if it
//   mentions zod's locales).
// Any esbuild warning fails the build.
//
// dist/bundle/current.json names the bundle and the tsc build-info files it was made from; the
// launcher runs the unbundled dist/ when tsc has rebuilt since (a build-info file's mtime and
// content both changed: a stale bundle never runs). Each
// bundle is a new directory named by its content, written in full before it gets its name, and
// current.json is replaced atomically: a build never changes files that a running command may
// still read (older bundles are removed an hour later).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';

const cli = process.argv[2] ?? 'mutation-runner';
if (!/^[a-z][a-z-]*$/.test(cli)) throw new Error(`not a CLI package name: ${cli}`);
const packages = dirname(join(import.meta.dirname, '..'));
const pkg = join(packages, cli);
const bundles = join(pkg, 'dist', 'bundle');
/** Where esbuild believes it writes: the same depth as dist/bundle/<id>/, so relative paths hold. */
const outdir = join(bundles, '_');
const KEEP_OLD_MS = 60 * 60 * 1000;
const KEEP_OLD = 4;
/** Bare imports that must load from their own package directory. */
const EXTERNAL = ['web-tree-sitter'];
/** Defined at the top of the bundle: the file URL of a path relative to the bundle's directory. */
const FILE_URL = '__aosFileUrl';
/** Given by packages/core/bin/bundle-loader.js: `import()` from an ES module (vm.Script code cannot import). */
const IMPORT = '__aosImport';
/** How a first-party module names a worker script it starts (TypeScript keeps the quotes as written). */
const WORKER_URL = /new URL\((['"])\.\/([a-z][a-z-]*-worker)\.js\1, import\.meta\.url\)/g;
/** Worker scripts found while bundling: output name (`<name>-worker.cjs`) -> the compiled file in dist/. */
const workers = new Map<string, string>();

const posix = (p: string) => p.split(sep).join('/');
/** `packages/<name>` holding `file`, or undefined for third-party code. */
const ownerPackage = (file: string) => {
  const rel = relative(packages, file);
  const name = rel.split(sep)[0];
  return rel.startsWith('..') || !name || rel.split(sep).includes('node_modules') ? undefined : join(packages, name);
};
const FIRST_PARTY_LOOKUP = Symbol('first-party lookup');
const fileUrl = (file: string) => `${FILE_URL}(${JSON.stringify(posix(relative(outdir, file)))})`;

/**
 * First-party modules: `import.meta.url` becomes the URL of their file in dist/, and
 * `import('<EXTERNAL>')` imports that package's entry from their own node_modules by URL. They
 * may not use zod's locales, which the bundle leaves out.
 */
const firstParty: Plugin = {
  name: 'first-party',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      const owner = ownerPackage(args.path);
      if (!owner) return undefined;
      let text = readFileSync(args.path, 'utf8');
      const other = /import\.meta(?!\.url\b)/.exec(text);
      if (other) throw new Error(`${args.path}: only import.meta.url is supported in bundled code, found "${text.slice(other.index, other.index + 30)}"`);
      if (/\blocales\b/.test(text.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, ''))) {
        throw new Error(`${args.path} mentions "locales": the bundle ships zod's English messages only (scripts/bundle.ts)`);
      }
      text = text.replace(WORKER_URL, (_m, _q, name: string) => {
        workers.set(`${name}.cjs`, join(dirname(args.path), `${name}.js`));
        return `new URL(${fileUrl(join(outdir, `${name}.cjs`))})`;
      });
      text = text.replaceAll('import.meta.url', fileUrl(args.path));
      for (const name of EXTERNAL) {
        const call = new RegExp(`import\\((['"])${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\1\\)`, 'g');
        if (!call.test(text)) continue;
        const resolved = await b.resolve(name, { kind: 'dynamic-import', resolveDir: dirname(args.path), pluginData: FIRST_PARTY_LOOKUP });
        if (resolved.errors.length) return { errors: resolved.errors };
        const link = join(owner, 'node_modules', name);
        text = text.replace(call, `${IMPORT}(${fileUrl(join(link, relative(realpathSync(link), resolved.path)))})`);
      }
      return { contents: text, loader: 'js' };
    });
  },
};

/** Any other import of an EXTERNAL package would be bundled: refuse it. */
const externalsOnlyByUrl: Plugin = {
  name: 'externals-only-by-url',
  setup(b) {
    const filter = new RegExp(`^(${EXTERNAL.map((e) => e.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(/|$)`);
    b.onResolve({ filter }, (args) => {
      if (args.pluginData === FIRST_PARTY_LOOKUP) return undefined; // where first-party finds the entry file
      return { errors: [{ text: `${args.importer} imports ${args.path}: only import('${args.path}') is supported in bundled code (scripts/bundle.ts)` }] };
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

const shared = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Less to read, and to parse before there is a code cache. AUTOPOIETIC_DEBUG=1 (stack traces
  // of internal errors) runs the unbundled dist/ instead.
  minify: true,
  sourcemap: 'linked',
  plugins: [englishOnlyZod, externalsOnlyByUrl, firstParty],
  metafile: true,
  absWorkingDir: dirname(packages),
  logLevel: 'silent',
  write: false,
} satisfies BuildOptions;
const fileUrlFn = `function ${FILE_URL}(p){return require("node:url").pathToFileURL(require("node:path").join(__dirname,p)).href}`;

const main = await build({
  ...shared,
  stdin: { contents: "export { main } from './dist/program.js';", resolveDir: pkg, sourcefile: 'cli-entry.js', loader: 'js' },
  outfile: join(outdir, 'cli.cjs'),
  banner: { js: fileUrlFn },
});
// Nothing else may be imported at run time: code compiled by vm.Script cannot import().
for (const f of main.outputFiles) {
  const leftover = /\bimport\(/.exec(f.text);
  if (f.path.endsWith('.cjs') && leftover) throw new Error(`the bundle still calls import(): ${f.text.slice(leftover.index - 40, leftover.index + 60)}`);
}
// Worker scripts (found while bundling the CLI; a worker's own workers are found in its turn).
const results = [main];
for (const [out, entry] of workers) {
  results.push(
    await build({
      ...shared,
      stdin: { contents: `import ${JSON.stringify(`./${posix(relative(pkg, entry))}`)};`, resolveDir: pkg, sourcefile: `${out}-entry.js`, loader: 'js' },
      outfile: join(outdir, out),
      banner: { js: `${fileUrlFn}\nfunction ${IMPORT}(u){return import(u)}` },
    }),
  );
}
const warnings = results.flatMap((r) => r.warnings);
if (warnings.length) throw new Error(`esbuild warnings:\n${warnings.map((w) => `${w.location?.file ?? ''}:${w.location?.line ?? ''} ${w.text}`).join('\n')}`);
const result = { outputFiles: results.flatMap((r) => r.outputFiles), inputs: results.flatMap((r) => Object.keys(r.metafile.inputs)) };

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
    if (!existsSync(dir)) throw e; // else a concurrent build made the same bundle
  }
}

// The build-info files of every workspace package that went into the bundle.
const owners = new Set(result.inputs.map((i) => ownerPackage(join(dirname(packages), i))).filter((o) => o !== undefined));
const inputs = [...owners].sort().map((owner) => {
  const file = join(owner, 'dist', '.tsbuildinfo');
  // The digest as well: a copy of the tree that keeps the files but not their mtimes to the
  // sub-millisecond (tar, cp without -p) still runs the bundle (bundle-loader.js).
  return { path: posix(relative(join(pkg, 'dist'), file)), mtimeMs: statSync(file).mtimeMs, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
});
const current = join(bundles, 'current.json');
writeFileSync(`${current}.${process.pid}`, `${JSON.stringify({ bundle: id, inputs }, null, 2)}\n`);
renameSync(`${current}.${process.pid}`, current);

// Older bundles go after an hour (a command started before this build may still import from
// its own), and beyond the newest KEEP_OLD.
const older = readdirSync(bundles)
  .filter((name) => name !== id && name !== 'current.json' && !name.startsWith('.tmp-'))
  .map((name) => ({ path: join(bundles, name), mtimeMs: statSync(join(bundles, name)).mtimeMs }))
  .sort((a, b) => b.mtimeMs - a.mtimeMs);
older.forEach((o, i) => {
  if (i >= KEEP_OLD || Date.now() - o.mtimeMs > KEEP_OLD_MS) rmSync(o.path, { recursive: true, force: true });
});
// Scratch directories of builds that died before naming their bundle.
for (const name of readdirSync(bundles).filter((n) => n.startsWith('.tmp-'))) {
  const path = join(bundles, name);
  if (Date.now() - statSync(path).mtimeMs > KEEP_OLD_MS) rmSync(path, { recursive: true, force: true });
}
