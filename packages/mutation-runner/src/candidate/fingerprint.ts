import { Framer, type Sha256Digest } from '@autopoietic/core/canonical';

/**
 * Root fingerprint, scheme v2 (docs/verify.md). It covers exactly the files the candidate was
 * built from, read once (the same bytes were hashed and copied). Per entry, sorted by the UTF-8
 * bytes of the path: path, kind, git-style mode (`100644`, `100755`, `120000`), then the content
 * sha256 (files) or the link target (symlinks). All framed by core's Framer, so paths, modes and
 * contents cannot run into each other. Unlike the reference's v1, modes and symlinks count.
 */
export const ROOT_FINGERPRINT_DOMAIN = 'autopoietic-root-v2';

/** One copied entry. `oid` is git's blob id of the same bytes (for the candidate's index); it is not part of the fingerprint. */
export type TreeEntry =
  | { path: string; kind: 'file'; executable: boolean; sha256: string; bytes: number; oid: string }
  | { path: string; kind: 'symlink'; target: string; oid: string };

export function rootFingerprint(entries: readonly TreeEntry[]): Sha256Digest {
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path, 'utf8'), Buffer.from(b.path, 'utf8')));
  return new Framer(ROOT_FINGERPRINT_DOMAIN)
    .list(sorted, (f, e) => {
      f.str(e.path).str(e.kind);
      if (e.kind === 'file') f.str(e.executable ? '100755' : '100644').str(e.sha256);
      else f.str('120000').str(e.target);
    })
    .digest();
}
