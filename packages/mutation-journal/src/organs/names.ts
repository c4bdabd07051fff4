import { posix } from 'node:path';

/**
 * How organs are matched, in one place.
 *
 * Names: an organ's identity for humans is its name compared without case and without the
 * whitespace around it (trimmed, Unicode NFC, then `toLowerCase`, which is locale-independent), so
 * `Hello`, `hello` and ` hello ` are the same organ for add/update/retire, duplicate detection,
 * measuring and suggestions. (`organ add` stores names trimmed; a name typed with a stray space,
 * `organ retire "hello "`, or a line written by hand with one, still finds its organ.)
 *
 * Sources: compared as normalised relative POSIX paths (`./a//b/` is `a/b`). A changed path
 * touches a source when it is the source or lies under it (a source can be a directory).
 */
export function organKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}

export { organNameProblem, quotedName } from '@autopoietic/core/vocab';

/** Paths that need no normalising: no `.`/`..` segment, `//`, backslash, edge slash or blank. */
const CLEAN = /^(?!\.\.?(\/|$))(?!.*\/\.\.?(\/|$))(?!.*\/\/)[^\\\s/](?:[^\\]*[^\\\s/])?$/;

export function sourceKey(source: string): string {
  if (CLEAN.test(source)) return source;
  let p = source.trim().replaceAll('\\', '/');
  if (p === '') return p;
  p = posix.normalize(p);
  while (p.startsWith('./')) p = p.slice(2);
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p === '.' ? '' : p;
}

/**
 * The key two organs of one source are one organ under: a module file is one module, so two
 * module organs (NixOS or Home Manager) of one source are one organ under two names. Other organs
 * are told apart by name alone (undefined here): one file often defines several, such as a module
 * and the services and timers it sets, the CLIs of one package.json, or the dev shells of
 * flake.nix (docs/adr/0022-organ-identity.md).
 */
export function moduleSourceKey(type: string | undefined, source: string): string | undefined {
  return type === 'nixos-module' || type === 'home-manager-module' ? sourceKey(source) : undefined;
}

/** Every prefix of a normalised path that could be a source it touches: `a/b/c` -> `a/b/c`, `a/b`, `a`. */
export function pathAndAncestors(path: string): string[] {
  const p = sourceKey(path);
  if (p === '') return [];
  const out = [p];
  let cut = p.lastIndexOf('/');
  while (cut > 0) {
    out.push(p.slice(0, cut));
    cut = p.lastIndexOf('/', cut - 1);
  }
  return out;
}
