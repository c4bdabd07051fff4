import { parsePatch } from 'diff';

/**
 * The file sections of a unified diff, as jsdiff's parsePatch reads them, with git's `-p1`
 * applied (the first path component, normally `a/` or `b/`, is stripped, exactly as the later
 * `git apply` will do). Nothing is applied here: this is what validation looks at.
 */
export interface PatchFile {
  /** Path before the change, or null for a created file. */
  oldPath: string | null;
  /** Path after the change, or null for a deleted file. */
  newPath: string | null;
  oldMode: string | undefined;
  newMode: string | undefined;
  isRename: boolean;
  isCopy: boolean;
  /** `Binary files … differ`: a binary change without its data (not `git diff --binary`). */
  binaryWithoutData: boolean;
}

export type ParsedPatch = { ok: true; files: PatchFile[] } | { ok: false; reason: string };

const DEV_NULL = '/dev/null';
const HEADER = /^(diff --git |--- |\+\+\+ |rename from |rename to |copy from |copy to )/;

export function parseUnifiedPatch(text: string, bytes?: Uint8Array): ParsedPatch {
  if (text.trim() === '') return { ok: false, reason: 'patch is empty' };
  const badHeader = bytes ? nonUtf8Header(bytes) : undefined;
  if (badHeader !== undefined) return { ok: false, reason: `patch header on line ${badHeader} is not valid UTF-8` };
  let sections: ReturnType<typeof parsePatch>;
  try {
    sections = parseWithSignatures(text);
  } catch (e) {
    return { ok: false, reason: `patch is malformed: ${(e as Error).message}` };
  }
  const files: PatchFile[] = [];
  for (const s of sections) {
    if (s.oldFileName === undefined && s.newFileName === undefined) continue; // preamble text, no file header
    if (s.oldFileName !== undefined && s.newFileName === undefined) {
      return { ok: false, reason: `patch section for ${s.oldFileName} is missing target path (a "---" line needs a "+++" line)` };
    }
    const oldRaw = s.oldFileName ?? s.newFileName!;
    const newRaw = s.newFileName!;
    const oldPath = oldRaw === DEV_NULL ? null : stripOne(oldRaw);
    const newPath = newRaw === DEV_NULL ? null : stripOne(newRaw);
    if (oldPath === undefined || newPath === undefined) {
      const bad = oldPath === undefined ? oldRaw : newRaw;
      return { ok: false, reason: `patch path ${JSON.stringify(bad)} has no leading a/ or b/ component for git apply -p1 to strip` };
    }
    const one = s.isGit === true ? undefined : traditionalName(oldPath, newPath);
    files.push({
      oldPath: one ?? oldPath,
      newPath: one ?? newPath,
      oldMode: s.oldMode,
      newMode: s.newMode,
      isRename: s.isRename === true,
      isCopy: s.isCopy === true,
      binaryWithoutData: s.isBinary === true,
    });
  }
  if (files.length === 0) return { ok: false, reason: 'patch does not contain a target path (no ---/+++ or diff --git file header)' };
  return { ok: true, files };
}

/**
 * jsdiff reads the `-- ` line that ends each message of `git format-patch` (its signature, then
 * git's version) as one more removed line, and refused the whole patch ("Hunk at line N has more
 * lines than expected"); git apply, which stops a hunk at its line counts, skips it. Only when
 * jsdiff refuses the text as given, and only signatures that hold no diff line, are left out
 * for a second reading; git apply still gets the exact bytes, and the later check that git names
 * no path jsdiff did not show (patch/guard.ts) still holds.
 */
function parseWithSignatures(text: string): ReturnType<typeof parsePatch> {
  try {
    return parsePatch(text);
  } catch (e) {
    const stripped = withoutSignatures(text);
    if (stripped === undefined) throw e;
    return parsePatch(stripped);
  }
}

const NEXT_MESSAGE = /^From [0-9a-f]{40} /;
const DIFF_LINE = /^([-+ @\\]|diff |Index:|GIT binary patch|literal |delta )/;

/** `text` without its `-- ` signature blocks, or undefined when it has none that is only a signature. */
function withoutSignatures(text: string): string | undefined {
  const out: string[] = [];
  let inSignature = false;
  let found = false;
  for (const line of text.split('\n')) {
    if (line === '-- ' || line === '-- \r') {
      if (inSignature) return undefined;
      inSignature = found = true;
      continue;
    }
    if (inSignature && NEXT_MESSAGE.test(line)) inSignature = false;
    else if (inSignature && DIFF_LINE.test(line)) return undefined;
    if (!inSignature) out.push(line);
  }
  return found ? out.join('\n') : undefined;
}

/**
 * The one file git apply changes for a traditional (not `diff --git`) section that names two,
 * as `diff -u x.orig x` does: the second name, unless the first is a shorter prefix of it
 * (apply.c, parse_traditional_patch). Both names were validated, so the author had to list
 * `x.orig`, which nothing touches, in changed_paths. If git ever chose otherwise, its reading
 * would name a path this one did not, and the patch is refused as ambiguous (patch/guard.ts).
 * Absolute paths are left alone, for the rules to name.
 */
function traditionalName(oldPath: string | null, newPath: string | null): string | undefined {
  if (oldPath === null || newPath === null || oldPath === newPath) return undefined;
  if (oldPath.startsWith('/') || newPath.startsWith('/')) return undefined;
  return newPath.startsWith(oldPath) ? oldPath : newPath;
}

/**
 * `a/x/y` -> `x/y`; a path without a component to strip -> undefined. An absolute path is kept
 * as it is, so that the rules reject it by name (git itself would strip `/etc/x` to `etc/x` and
 * apply it inside the tree, which is not what the author meant).
 */
function stripOne(raw: string): string | undefined {
  if (raw.startsWith('/')) return raw;
  const slash = raw.indexOf('/');
  if (slash < 0) return undefined;
  return raw.slice(slash + 1);
}

/** 1-based number of the first header line that is not valid UTF-8, if any. */
function nonUtf8Header(bytes: Uint8Array): number | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start = 0;
  for (let no = 1; start < buf.length; no++) {
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    const line = buf.subarray(start, end);
    if (HEADER.test(line.subarray(0, 16).toString('latin1'))) {
      try {
        decoder.decode(line);
      } catch {
        return no;
      }
    }
    start = end + 1;
  }
  return undefined;
}
