import { Framer, type Sha256Digest } from '@autopoietic/core/canonical';

/**
 * Root fingerprint, scheme v2 (docs/verify.md). It covers exactly the files the candidate was
 * built from, read once (the same bytes were hashed and copied). Per entry, sorted by the UTF-8
 * bytes of the path: path, kind, git-style mode (`100644`, `100755`, `120000`), then the content
 * sha256 (files) or the link target (symlinks). All framed by core's Framer, so paths, modes and
 * contents cannot run into each other. Unlike the reference's v1, modes and symlinks count.
 */
export const ROOT_FINGERPRINT_DOMAIN = 'autopoietic-root-v2';

/** One copied entry. */
export type TreeEntry =
  | { path: string; kind: 'file'; executable: boolean; sha256: string; bytes: number }
  | { path: string; kind: 'symlink'; target: string };

export function rootFingerprint(entries: readonly TreeEntry[]): Sha256Digest {
  return new Framer(ROOT_FINGERPRINT_DOMAIN)
    .list(byUtf8Path(entries), (f, e) => {
      f.str(e.path).str(e.kind);
      if (e.kind === 'file') f.str(e.executable ? '100755' : '100644').str(e.sha256);
      else f.str('120000').str(e.target);
    })
    .digest();
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Sorted by the UTF-8 bytes of the path. Without surrogate pairs (characters beyond U+FFFF) that
 * is plain string order, which is cheap (and the file set arrives in it); otherwise each path is
 * encoded once and the bytes compared.
 */
function byUtf8Path(entries: readonly TreeEntry[]): TreeEntry[] {
  if (!entries.some((e) => SURROGATE.test(e.path))) return [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return entries
    .map((e) => ({ e, key: Buffer.from(e.path, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.key, b.key))
    .map((k) => k.e);
}
