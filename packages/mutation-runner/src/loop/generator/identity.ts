import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { fileDigest, isInsideDir } from '@autopoietic/core/adapters';
import { Framer } from '@autopoietic/core/canonical';
import { usageError } from '@autopoietic/core/cli-kit';
import type { GeneratorIdentity } from '@autopoietic/core/schemas';

/**
 * Who proposes: `--generator` is a command line, split like a shell would split words (single
 * and double quotes, backslash escapes) but never run through a shell: no expansion, no pipes.
 * Its identity digest covers the argv and the content of every file the argv names (the
 * executable found on PATH, a script it is given), so a changed generator is a different one.
 */
export const GENERATOR_DOMAIN = 'autopoietic-generator-v1';

export function splitCommand(command: string): string[] {
  const argv: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < command.length && '"\\$`'.includes(command[i + 1]!)) cur += command[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      cur += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw usageError('generator-invalid', `--generator ${JSON.stringify(command)} has an unclosed ${quote} quote`, 'Quote each argument completely; the command is split into words, not run by a shell.');
  if (inWord) argv.push(cur);
  if (argv.length === 0) throw usageError('generator-invalid', '--generator is empty', 'Give the command that reads a hand-off on stdin and prints a proposal, e.g. --generator "node examples/generators/rule-based.mjs".');
  return argv;
}

/**
 * The executable as the OS would find it (PATH lookup for a bare name, skipping files it may not
 * execute, as execvp does), or undefined.
 */
export function findExecutable(name: string, cwd: string, path = process.env.PATH ?? ''): string | undefined {
  if (name.includes('/')) return isExecutableFile(resolve(cwd, name)) ? resolve(cwd, name) : undefined;
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
  } catch {
    return false;
  }
  return isFile(p);
}

/**
 * A generator whose files live inside the genome is refused: the path it runs from would tell it
 * where the live genome is.
 */
export function generatorIdentity(command: string, cwd: string, genomeRoot?: string): GeneratorIdentity & { executable: string } {
  const argv = splitCommand(command);
  const executable = findExecutable(argv[0]!, cwd);
  if (!executable) throw usageError('generator-not-found', `--generator: ${argv[0]} is not an executable file here or on PATH`, 'Give a command that exists (an absolute path, a path relative to the working directory, or a name on PATH).');
  const files: { path: string; sha256: string }[] = [{ path: executable, sha256: contentDigest(executable) }];
  for (const arg of argv.slice(1)) {
    const p = isAbsolute(arg) ? arg : resolve(cwd, arg);
    if (!arg.startsWith('-') && isFile(p) && !files.some((f) => f.path === p)) files.push({ path: p, sha256: contentDigest(p) });
  }
  const inside = genomeRoot === undefined ? undefined : files.find((f) => isInsideDir(f.path, genomeRoot));
  if (inside) {
    throw usageError('generator-inside-genome', `--generator runs ${inside.path}, which is inside the genome ${genomeRoot}`, 'A generator must not learn where the live genome is: install or copy it outside the genome.');
  }
  // The argv run is the resolved one (absolute paths), so a relative script path still works
  // from the sandbox; the digest covers exactly what is run.
  const runArgv = argv.map((a, i) => (i === 0 ? executable : files.find((f) => f.path === (isAbsolute(a) ? a : resolve(cwd, a)))?.path ?? a));
  const digest = new Framer(GENERATOR_DOMAIN)
    .strings(runArgv)
    .list(files, (f, x) => f.str(x.path).str(x.sha256))
    .digest();
  return { command, argv: runArgv, files, digest, executable };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The sha256 of a file the generator runs (core's fileDigest: read in chunks, so the `node`
 * binary is never held in memory whole). One that cannot be read (executable but not readable)
 * cannot be identified, so it is refused before anything runs.
 */
function contentDigest(p: string): string {
  const d = fileDigest(p);
  if (d.ok) return d.sha256;
  throw usageError('generator-unreadable', `--generator: cannot digest ${p}, which it runs, for the generator's identity: ${d.reason}`, 'Make the file readable by the user running evolve (`chmod u+r`), or give another generator.');
}
